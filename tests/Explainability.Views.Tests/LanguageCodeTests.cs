using Explainability.Views;
using Explainability.Views.Policies;

namespace Explainability.Views.Tests;

public class LanguageCodeTests
{
    [Theory]
    [InlineData("../../customer/explanation")]
    [InlineData("en/../x")]
    [InlineData("e")]
    [InlineData("nl nl")]
    public void A_language_that_is_not_a_code_is_refused_before_it_can_name_a_template_file(string language)
    {
        var e = Assert.Throws<ArgumentException>(() => ViewService.CreateDefault().PolicyFor(Audiences.Customer, language));
        Assert.Contains("not a language code", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("en")]
    [InlineData("nl")]
    [InlineData("en-GB")]
    public void Language_codes_are_accepted(string language)
    {
        Assert.Equal(language, ViewService.CreateDefault().PolicyFor(Audiences.Customer, language).Language);
        Assert.True(AudiencePolicy.IsLanguageCode(language));
    }
    [Theory]
    [InlineData("nl-BE")]
    [InlineData("NL")]
    [InlineData("nl-be")]
    [InlineData("Nl-NL")]
    public void A_regional_or_upper_case_Dutch_code_uses_the_Dutch_templates_and_display_names(string language)
    {
        var service = ViewService.CreateDefault();
        var view = service.Project(TestData.Credit(TestData.AgeDominates), Audiences.Customer, language);
        string text = service.Render(view, "text");
        Assert.StartsWith("Waarom we tot dit besluit kwamen", text, StringComparison.Ordinal);
        var scientist = service.Render(service.Project(TestData.Credit(TestData.AgeDominates), Audiences.DataScientist, language), "text");
        Assert.Contains("Loan duration (nl)", scientist, StringComparison.Ordinal);
    }

    [Fact]
    public void A_language_without_translation_falls_back_to_English()
    {
        Assert.Equal(["fr-be", "fr", "en"], LanguageFallback.Candidates("fr-BE"));
        var service = ViewService.CreateDefault();
        string text = service.Render(service.Project(TestData.Credit(TestData.AgeDominates), Audiences.Customer, "fr-BE"), "text");
        Assert.StartsWith("Why we reached this decision", text, StringComparison.Ordinal);
    }
}
