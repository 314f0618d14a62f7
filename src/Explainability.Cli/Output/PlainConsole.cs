using Spectre.Console;

namespace Explainability.Cli.Output;

/// <summary>A Spectre.Console console that writes plain tables (no ANSI, no colour, no interaction) to a text writer, so
/// that redirected output and tests read the same text.</summary>
internal static class PlainConsole
{
    /// <summary>Table width in characters.</summary>
    public const int Width = 120;

    /// <summary>A console over <paramref name="writer"/>.</summary>
    public static IAnsiConsole Over(TextWriter writer)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        console.Profile.Width = Width;
        return console;
    }
}
