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
}
