using Explainability.Core.Data;

namespace Explainability.Core.Tests.Data;

public class MessageTextTests
{
    [Fact]
    public void Short_values_are_quoted_whole()
    {
        Assert.Equal("'overdrawn'", MessageText.Quote("overdrawn"));
        Assert.Equal($"'{new string('x', 80)}'", MessageText.Quote(new string('x', 80)));
    }

    [Fact]
    public void Long_values_are_cut_at_80_characters_with_an_ellipsis_and_their_length()
    {
        Assert.Equal($"'{new string('x', 80)}…' (1048576 characters)", MessageText.Quote(new string('x', 1 << 20)));
    }

    [Fact]
    public void A_surrogate_pair_is_not_cut_in_half()
    {
        string value = new string('x', 79) + "😀" + new string('y', 10);
        Assert.Equal($"'{new string('x', 79)}…' (91 characters)", MessageText.Quote(value));
    }
}
