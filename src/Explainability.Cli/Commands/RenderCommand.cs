using System.CommandLine;
using Explainability.Server.Explaining;
using Explainability.Server.Ledger;
using Explainability.Server.Models;
using Explainability.Views;
using Explainability.Views.Policies;

namespace Explainability.Cli.Commands;

/// <summary>
/// <c>render (--ledger PATH | --ledger-postgres CONNECTION) --id ID --audience A [--language CODE] [--format text|md|html]
/// [--models DIR]</c>: re-renders an explanation recorded in a ledger (a SQLite file, or the PostgreSQL database replicas share) for another audience or language without recomputing it, through the same
/// <see cref="LedgerService.Render"/> the <c>Render</c> RPC runs, and records the new view in the ledger (client
/// <c>cli:&lt;user&gt;</c>). The ledger may be in use by a running server. Prints the rendered view.
/// </summary>
internal sealed class RenderCommand(TextWriter output) : ICliCommand
{
    public Command Build()
    {
        var ledger = new Option<string?>("--ledger") { Description = "The ledger's SQLite file (as given to serve --ledger)" };
        var postgres = LedgerOptions.Postgres();
        var id = new Option<string>("--id") { Description = "Explanation id (RowExplanation.explanation_id)", Required = true };
        var audience = new Option<string>("--audience") { Description = $"One of {string.Join(", ", Audiences.All)}", Required = true };
        var language = new Option<string?>("--language") { Description = "Language code such as en or nl (default: the audience policy's)" };
        var format = new Option<string>("--format") { Description = "text, md, or html for the audiences with an HTML template (business-manager, data-scientist)", DefaultValueFactory = _ => "text" };
        var models = new Option<string?>("--models") { Description = "Models folder holding the explanation's model version (default: the shipped models/)" };
        var command = new Command("render", "Re-render a recorded explanation from the ledger for an audience and language") { ledger, postgres, id, audience, language, format, models };
        command.SetAction(parse => Run(
            parse.GetValue(ledger), parse.GetValue(postgres), parse.GetValue(id)!, parse.GetValue(audience)!, parse.GetValue(language), parse.GetValue(format)!,
            parse.GetValue(models) ?? RepoPaths.ModelsDirectory()));
        return command;
    }

    private int Run(string? ledgerPath, string? postgres, string id, string audience, string? language, string format, string modelsDir)
    {
        // Checked before anything is opened, so a typo cannot create an empty ledger or load every model.
        postgres = LedgerOptions.RequirePostgres(ledgerPath, postgres);
        if (ledgerPath is null && postgres is null)
        {
            throw new ArgumentException($"give the ledger: --ledger PATH (a SQLite file) or {LedgerOptions.PostgresName} CONNECTION (a PostgreSQL database)");
        }

        ExplanationIds.Require(id);
        Audiences.Require(audience, "--audience");
        if (format == "markdown")
        {
            format = "md";
        }

        var views = ViewService.CreateDefault();
        views.Renderer.RequireFormatFor(audience, format);
        if (language is not null && !AudiencePolicy.IsLanguageCode(language))
        {
            throw new ArgumentException($"--language '{language}' is not a language code such as 'en', 'nl' or 'en-GB'");
        }

        using var store = LedgerOptions.OpenExisting(ledgerPath, postgres);
        using var registry = ModelRegistry.LoadDirectory(modelsDir);
        var service = new LedgerService(store, registry, new ExplanationService(views));
        var recorded = service.Render(id, audience, language, format, LedgerCaller.CommandLine);
        output.Write(recorded.View.Rendered);
        if (!recorded.View.Rendered.EndsWith('\n'))
        {
            output.WriteLine();
        }

        return 0;
    }
}
