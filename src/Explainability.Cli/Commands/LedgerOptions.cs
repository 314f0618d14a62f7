using System.CommandLine;
using Explainability.Server.Ledger;
using Npgsql;

namespace Explainability.Cli.Commands;

/// <summary>
/// The options that choose a ledger, shared by the commands that use one (<c>serve</c>, <c>render</c>): <c>--ledger PATH</c>
/// (a SQLite file) or <c>--ledger-postgres CONNECTION</c> (an Npgsql connection string of a PostgreSQL database, the
/// ledger several replicas share), never both.
/// </summary>
internal static class LedgerOptions
{
    /// <summary>The option name of the PostgreSQL ledger.</summary>
    public const string PostgresName = "--ledger-postgres";

    /// <summary><c>--ledger-postgres</c>.</summary>
    public static Option<string?> Postgres() => new(PostgresName)
    {
        Description = "The ledger in PostgreSQL instead of a SQLite file: an Npgsql connection string such as 'Host=db;Database=ledger;Username=explainability'; the password from PGPASSWORD or a password file (PGPASSFILE, ~/.pgpass), not here",
    };

    /// <summary>
    /// The PostgreSQL connection string when <paramref name="connectionString"/> is given, after checking that
    /// <paramref name="path"/> is not given too and that the connection string carries no password.
    /// </summary>
    /// <exception cref="ArgumentException">Both ledgers are given, or the connection string holds a password (which
    /// <c>ps</c> would show to every user of the machine); the message says where the password goes instead.</exception>
    public static string? RequirePostgres(string? path, string? connectionString) =>
        RequirePostgres(path, connectionString, "--ledger", PostgresName);

    /// <summary>
    /// The PostgreSQL connection string of option <paramref name="postgresOption"/> when given, after checking that the SQLite
    /// file's option <paramref name="pathOption"/> is not given too and that the connection string carries no password: the
    /// check of every option that takes a database (<c>--ledger-postgres</c>, <c>--tokens-postgres</c>, <c>tokens --postgres</c>).
    /// </summary>
    /// <exception cref="ArgumentException">Both options are given, the connection string is malformed, or it holds a
    /// password; the message names the option and never repeats the connection string.</exception>
    public static string? RequirePostgres(string? path, string? connectionString, string pathOption, string postgresOption)
    {
        if (connectionString is null)
        {
            return null;
        }

        if (path is not null)
        {
            throw new ArgumentException($"{pathOption} (a SQLite file) and {postgresOption} (a PostgreSQL database) exclude each other: give one");
        }

        NpgsqlConnectionStringBuilder settings;
        try
        {
            settings = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or KeyNotFoundException)
        {
            throw new ArgumentException($"{postgresOption} is not an Npgsql connection string such as 'Host=db;Database=ledger;Username=explainability': {e.Message}");
        }

        if (!string.IsNullOrEmpty(settings.Password))
        {
            throw new ArgumentException(
                $"{postgresOption} holds a password, which the command line shows to every user of this machine: remove it and set PGPASSWORD, or put it in a password file (PGPASSFILE or ~/.pgpass)");
        }

        return connectionString;
    }

    /// <summary>Opens the PostgreSQL ledger at <paramref name="connectionString"/>, or else the SQLite file at <paramref name="path"/>.</summary>
    /// <exception cref="FileNotFoundException">No SQLite file at <paramref name="path"/> (it is not created).</exception>
    /// <exception cref="LedgerUnavailableException">The ledger cannot be opened.</exception>
    /// <exception cref="InvalidDataException">It is not a ledger of this schema version.</exception>
    public static IExplanationLedger OpenExisting(string? path, string? connectionString)
    {
        if (connectionString is not null)
        {
            return PostgresExplanationLedger.Open(connectionString);
        }

        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"no ledger at {path}", path);
        }

        return SqliteExplanationLedger.Open(path);
    }
}
