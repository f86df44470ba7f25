using Npgsql;

namespace ChatAgent.Core.Storage.Postgres;

/// <summary>
/// Webhook delivery claims in the <c>webhook_deliveries</c> table (created with the event store's schema). Claims of one
/// webhook are serialized by a transaction-scoped advisory lock on its name, so a replay racing its original under
/// another delivery id still finds it; webhook traffic is far too light for that lock to matter.
/// </summary>
public sealed class PostgresWebhookDeliveries(NpgsqlDataSource dataSource) : IWebhookDeliveries
{
    public async Task<WebhookDeliveryClaim> ClaimAsync(
        string webhook, IReadOnlyList<string> keys, string launchKey, DateTimeOffset at, TimeSpan retention, CancellationToken cancellationToken = default)
    {
        try
        {
            return await ClaimCoreAsync(webhook, keys, launchKey, at, retention, cancellationToken);
        }
        catch (NpgsqlException e) when (PostgresErrors.IsUnavailable(e))
        {
            throw new StoreUnavailableException($"Claiming a delivery of webhook {webhook}: the database is unavailable ({e.Message})", e);
        }
    }

    private async Task<WebhookDeliveryClaim> ClaimCoreAsync(
        string webhook, IReadOnlyList<string> keys, string launchKey, DateTimeOffset at, TimeSpan retention, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        await ExecuteAsync("SELECT pg_advisory_xact_lock(hashtextextended('webhook_deliveries:' || $1, 0))", webhook);
        await ExecuteAsync("DELETE FROM webhook_deliveries WHERE webhook = $1 AND at <= $2", webhook, (at - retention).ToUniversalTime());

        await using (var find = new NpgsqlCommand(
            "SELECT launch_key FROM webhook_deliveries WHERE webhook = $1 AND key = ANY($2) ORDER BY at LIMIT 1", connection, tx))
        {
            find.Parameters.Add(new NpgsqlParameter<string> { TypedValue = webhook });
            find.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. keys] });
            if (await find.ExecuteScalarAsync(cancellationToken) is string earlier)
            {
                await tx.CommitAsync(cancellationToken);
                return new WebhookDeliveryClaim(earlier, Replay: true);
            }
        }

        await ExecuteAsync("INSERT INTO webhook_deliveries (webhook, key, launch_key, at) SELECT $1, k, $3, $4 FROM unnest($2::text[]) AS k",
            webhook, keys.Distinct().ToArray(), launchKey, at.ToUniversalTime());
        await tx.CommitAsync(cancellationToken);
        return new WebhookDeliveryClaim(launchKey, Replay: false);

        async Task ExecuteAsync(string sql, params object[] values)
        {
            await using var command = new NpgsqlCommand(sql, connection, tx);
            foreach (var value in values) command.Parameters.Add(new NpgsqlParameter { Value = value });
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }
}
