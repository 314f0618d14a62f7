using System.Data.Common;
using System.Globalization;
using Explainability.Core.Data;
using Explainability.Server.Ledger;

namespace Explainability.Server.Auth;

/// <summary>
/// What the SQLite and the PostgreSQL token store share: the statements (plain SQL both databases run, with <c>@name</c>
/// parameters both providers bind), the checks of a client name and of a revocation's arguments, the binding of a new
/// token, the reading of a row back into an <see cref="IssuedToken"/>, and the operations themselves, run on a connection
/// each store opens its own way (<see cref="ITokenConnections"/>). The two differ only in their tables' DDL, their
/// connections and their errors.
/// </summary>
/// <remarks>Both keep times as text (<see cref="SqliteSchema.Timestamp"/>, UTC, 100 ns), scopes as names joined by commas
/// (<see cref="TokenScope.Format"/>), <c>ledger_read</c> as 0 or 1 and the hash as bytes, so a row reads back the same from
/// either.</remarks>
internal static class TokenRows
{
    /// <summary>The columns <see cref="Read"/> reads, in its order.</summary>
    public const string Columns = "id, client, models, audiences, ledger_read, issued_at, revoked_at";

    /// <summary>Inserts one token.</summary>
    public const string Insert =
        "INSERT INTO tokens (id, client, sha256, models, audiences, ledger_read, issued_at) VALUES (@id, @client, @sha256, @models, @audiences, @ledger, @at);";

    /// <summary>Every token, oldest first.</summary>
    public const string SelectAll = $"SELECT {Columns} FROM tokens ORDER BY issued_at, id;";

    /// <summary>The token with id <c>@id</c> and its hash (column 7), zero or one row.</summary>
    public const string SelectWithHash = $"SELECT {Columns}, sha256 FROM tokens WHERE id = @id;";

    /// <summary>Issues a token for <paramref name="client"/> at <paramref name="at"/> (<see cref="ITokenStore.Issue"/>).</summary>
    /// <exception cref="ArgumentException">The client name is not acceptable.</exception>
    public static NewToken Issue(ITokenConnections store, string client, TokenScope scope, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(scope);
        if (client.Length == 0 || client.Length > TokenStore.MaxClientLength || client.Any(char.IsControl) || client.Trim() != client)
        {
            throw new ArgumentException(
                $"client name {MessageText.Quote(client)} must be 1 to {TokenStore.MaxClientLength} characters without control characters or surrounding spaces");
        }

        var token = new IssuedToken(BearerToken.NewId(), client, scope, at, null);
        string bearer = BearerToken.Create(token.Id);
        return store.Write((connection, transaction) =>
        {
            using var command = Command(connection, transaction, Insert);
            LedgerRows.Bind(command, "@id", token.Id);
            LedgerRows.Bind(command, "@client", client);
            LedgerRows.Bind(command, "@sha256", BearerToken.Hash(bearer));
            LedgerRows.Bind(command, "@models", TokenScope.Format(scope.Models));
            LedgerRows.Bind(command, "@audiences", TokenScope.Format(scope.Audiences));
            LedgerRows.Bind(command, "@ledger", scope.LedgerRead ? 1 : 0);
            LedgerRows.Bind(command, "@at", SqliteSchema.Timestamp(at));
            command.ExecuteNonQuery();
            return new NewToken(token, bearer);
        });
    }

    /// <summary>Revokes by id or by client at <paramref name="at"/> (<see cref="ITokenStore.Revoke"/>), in one transaction.</summary>
    /// <exception cref="ArgumentException">Neither or both of <paramref name="client"/> and <paramref name="id"/>.</exception>
    /// <exception cref="KeyNotFoundException">No valid token matches; the message names it and <paramref name="location"/>.</exception>
    public static IReadOnlyList<IssuedToken> Revoke(ITokenConnections store, string? client, string? id, DateTimeOffset at, string location)
    {
        if ((client is null) == (id is null))
        {
            throw new ArgumentException("name either the client (--client) or the token id (--id) to revoke, not both");
        }

        var revoked = store.Write((connection, transaction) =>
        {
            using var command = Command(
                connection, transaction, $"UPDATE tokens SET revoked_at = @at WHERE revoked_at IS NULL AND {(id is null ? "client" : "id")} = @key RETURNING {Columns};");
            LedgerRows.Bind(command, "@at", SqliteSchema.Timestamp(at));
            LedgerRows.Bind(command, "@key", id ?? client!);
            return LedgerRows.ReadAll(command, Read);
        });
        return revoked.Count > 0
            ? revoked
            : throw new KeyNotFoundException(id is null
                ? $"client {MessageText.Quote(client!)} has no valid token in {location}"
                : $"no valid token has the id {MessageText.Quote(id)} in {location}");
    }

    /// <summary>Every token, oldest first (<see cref="ITokenStore.List"/>).</summary>
    public static IReadOnlyList<IssuedToken> List(ITokenConnections store) =>
        store.Read(connection =>
        {
            using var command = Command(connection, null, SelectAll);
            return LedgerRows.ReadAll(command, Read);
        });

    /// <summary>The token <paramref name="bearer"/> names when its hash matches (<see cref="ITokenStore.Find"/>); a text
    /// without the token's shape is answered without touching the store.</summary>
    public static IssuedToken? Find(ITokenConnections store, string bearer)
    {
        ArgumentNullException.ThrowIfNull(bearer);
        if (BearerToken.IdOf(bearer) is not { } id)
        {
            return null;
        }

        return store.Read(connection =>
        {
            using var command = Command(connection, null, SelectWithHash);
            LedgerRows.Bind(command, "@id", id);
            using var reader = command.ExecuteReader();
            if (!reader.Read())
            {
                return null;
            }

            var token = Read(reader);
            return BearerToken.Matches(bearer, (byte[])reader.GetValue(7)) ? token : null;
        });
    }

    /// <summary>The token in the current row of a query of <see cref="Columns"/>.</summary>
    public static IssuedToken Read(DbDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        new TokenScope(reader.GetString(2).Split(','), reader.GetString(3).Split(','), Convert.ToInt64(reader.GetValue(4), CultureInfo.InvariantCulture) != 0),
        SqliteSchema.ParseTimestamp(reader.GetString(5)),
        reader.IsDBNull(6) ? null : SqliteSchema.ParseTimestamp(reader.GetString(6)));

    private static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }
}

/// <summary>A token store's way of running work on one of its connections, with its own connection handling and its own
/// translation of errors; what <see cref="TokenRows"/> builds the operations on.</summary>
internal interface ITokenConnections
{
    /// <summary>Runs <paramref name="read"/> on an open connection.</summary>
    T Read<T>(Func<DbConnection, T> read);

    /// <summary>Runs <paramref name="write"/> on an open connection set up for durable writes, inside a transaction that
    /// is committed after it returns and rolled back when it throws.</summary>
    T Write<T>(Func<DbConnection, DbTransaction, T> write);
}
