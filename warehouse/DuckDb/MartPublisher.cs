using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Dapper;
using DuckDB.NET.Data;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Pipeline.Warehouse.Marts;

namespace Pipeline.Warehouse.DuckDb;

/// <summary>
/// The BI-safe copy of a DuckDB warehouse. DuckDB lets one process write a file and nobody else open it meanwhile,
/// so BI tools (Metabase, Power BI over ODBC, DBeaver) open this copy instead: the mart tables copied as they are (the
/// refresh before publishing keeps them current, so no mart is recomputed here), every dw view materialised as a table
/// (mart_def, the marts' definitions, is not published), each with its comments, the table macros recreated, and <c>etl.stream_status</c> / <c>etl.published</c>
/// saying how fresh it is. It is written to a hidden file in the target's folder and renamed over the target, so a
/// reader never sees a half-written file, and a reader that still has the old file open keeps reading it (POSIX).
/// </summary>
public sealed partial class MartPublisher(DuckDbWarehouse warehouse, ILogger? logger = null) : IMartPublisher
{
    private static readonly string[] Schemas = ["dw", "mart"];

    /// <summary>Days of <c>etl.sync_runs</c> the copy keeps: status reads a day of runs, freshness the last success.</summary>
    private const int RunLogDays = 7;

    private readonly ILogger log = logger ?? NullLogger.Instance;

    public async Task<PublishResult> PublishAsync(string targetPath, string runId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(targetPath);
        var started = Stopwatch.GetTimestamp();
        var target = Path.GetFullPath(targetPath);
        if (string.Equals(target, Path.GetFullPath(warehouse.Location), StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"the published copy cannot be the warehouse itself ({target})");
        }

        var folder = Path.GetDirectoryName(target)!;
        Directory.CreateDirectory(folder);
        var suffix = Guid.NewGuid().ToString("N")[..12];
        var temp = Path.Combine(folder, $".{Path.GetFileName(target)}.{suffix}.tmp");
        var alias = $"publish_{suffix}";

        int tables;
        long rows;
        await using (var connection = warehouse.OpenConnection())
        {
            var live = Quote(await connection.ExecuteScalarAsync<string>("SELECT current_database()") ?? "memory");
            await connection.ExecuteAsync($"ATTACH {Literal(temp)} AS {alias}");
            try
            {
                (tables, rows) = await warehouse.WithQueryMemoryAsync(connection, () => CopyAsync(connection, live, alias, runId, cancellationToken));
                // Everything into the main file before the rename: no WAL may be left behind for readers to miss.
                await connection.ExecuteAsync($"CHECKPOINT {alias}");
            }
            catch
            {
                await DetachQuietlyAsync(connection, live, alias);
                DeleteQuietly(temp);
                throw;
            }

            await connection.ExecuteAsync($"DETACH {alias}");
        }

        DeleteQuietly(temp + ".wal");
        File.Move(temp, target, overwrite: true);
        var result = new PublishResult(target, tables, rows, Stopwatch.GetElapsedTime(started));
        log.LogInformation("Published {Tables} tables ({Rows} rows) for BI tools to {Path} in {Seconds:0.0} s",
            result.Tables, result.Rows, result.Path, result.Duration.TotalSeconds);
        return result;
    }

    /// <summary>
    /// Fills the attached copy. Views become tables in dependency order inside the copy, each computed from the
    /// tables its dependencies already became, so a base view (mart.kpi_values) is computed once rather than once
    /// per view built on it. Meanwhile the copy reaches the live staging and etl tables through pass-through views,
    /// dropped again at the end: the copy holds the dw and mart layers only. Statements that cannot fail run in
    /// one transaction each, so the copy costs a handful of commits rather than one per object.
    /// </summary>
    private async Task<(int Tables, long Rows)> CopyAsync(DuckDBConnection connection, string live, string alias, string runId, CancellationToken cancellationToken)
    {
        var objects = (await connection.QueryAsync<(string Schema, string Name, string Kind, string? Comment, string? Sql)>(
            """
            SELECT schema_name, table_name, 'table', comment, NULL FROM duckdb_tables()
            WHERE database_name = current_database() AND NOT internal AND NOT temporary
            UNION ALL
            SELECT schema_name, view_name, 'view', comment, sql FROM duckdb_views()
            WHERE database_name = current_database() AND NOT internal AND NOT temporary
            ORDER BY 1, 2
            """)).ToList();
        var published = objects.Where(o => Schemas.Contains(o.Schema)).ToList();
        var passThrough = objects.Where(o => o.Schema is "staging" or "etl").ToList();
        var columnComments = await connection.QueryAsync<(string Schema, string Table, string Column, string Comment)>(
            """
            SELECT schema_name, table_name, column_name, comment FROM duckdb_columns()
            WHERE database_name = current_database() AND schema_name IN ('dw', 'mart') AND comment IS NOT NULL
            """);

        var setup = new StringBuilder();
        foreach (var schema in Schemas.Append("etl").Append("staging"))
        {
            setup.AppendLine(CultureInfo.InvariantCulture, $"CREATE SCHEMA {alias}.{Quote(schema)};");
        }

        foreach (var (schema, name, _, _, _) in published.Where(o => o.Kind == "table"))
        {
            setup.AppendLine(CultureInfo.InvariantCulture, $"CREATE TABLE {alias}.{Quote(schema)}.{Quote(name)} AS SELECT * FROM {Quote(schema)}.{Quote(name)};");
        }

        foreach (var (schema, name, _, _, _) in passThrough)
        {
            setup.AppendLine(CultureInfo.InvariantCulture, $"CREATE VIEW {alias}.{Quote(schema)}.{Quote(name)} AS SELECT * FROM {live}.{Quote(schema)}.{Quote(name)};");
        }

        await InTransactionAsync(connection, setup.ToString());

        // A dw view a mart table keeps whole (mart_def.x is SELECT its columns FROM dw.x: mart.kpi_measure_daily) is
        // copied from that table, which the refresh before the publish just brought up to date, not recomputed.
        var kept = objects
            .Where(o => o.Schema == MartLayer.DefinitionSchema && KeptView().Match(o.Sql ?? "") is { Success: true } m && m.Groups["name"].Value == o.Name)
            .Where(o => published.Any(p => p.Schema == "dw" && p.Name == o.Name && p.Kind == "view") && published.Any(p => p.Schema == "mart" && p.Name == o.Name && p.Kind == "table"))
            .ToDictionary(o => o.Name, o => KeptView().Match(o.Sql!).Groups["columns"].Value, StringComparer.Ordinal);
        var keptCopies = new StringBuilder();
        foreach (var (name, columns) in kept)
        {
            keptCopies.AppendLine(CultureInfo.InvariantCulture, $"CREATE TABLE {alias}.dw.{Quote(name)} AS SELECT {columns} FROM {alias}.mart.{Quote(name)};");
        }

        if (kept.Count > 0)
        {
            await InTransactionAsync(connection, keptCopies.ToString());
        }

        await connection.ExecuteAsync($"USE {alias}");
        try
        {
            await MaterializeViewsAsync(connection, live, published.Where(o => o.Kind == "view" && !(o.Schema == "dw" && kept.ContainsKey(o.Name))).ToList(), cancellationToken);
            var teardown = new StringBuilder();
            foreach (var (schema, name, _, _, _) in passThrough)
            {
                teardown.AppendLine(CultureInfo.InvariantCulture, $"DROP VIEW {Quote(schema)}.{Quote(name)};");
            }

            teardown.AppendLine("DROP SCHEMA staging;");
            await InTransactionAsync(connection, teardown.ToString());
        }
        finally
        {
            await connection.ExecuteAsync($"USE {live}");
        }

        await CopyMacrosAsync(connection, alias);

        var finish = new StringBuilder();
        foreach (var (schema, name, _, comment, _) in published.Where(o => !string.IsNullOrEmpty(o.Comment)))
        {
            finish.AppendLine(CultureInfo.InvariantCulture, $"COMMENT ON TABLE {alias}.{Quote(schema)}.{Quote(name)} IS {Literal(comment!)};");
        }

        foreach (var (schema, table, column, comment) in columnComments)
        {
            finish.AppendLine(CultureInfo.InvariantCulture, $"COMMENT ON COLUMN {alias}.{Quote(schema)}.{Quote(table)}.{Quote(column)} IS {Literal(comment)};");
        }

        // How fresh the copy is, for a BI tool's "data as of" tile; under the live view's name too, so the
        // Metabase questions, `pipeline report` and `pipeline status` read the copy as they read the warehouse.
        finish.AppendLine(CultureInfo.InvariantCulture, $"CREATE TABLE {alias}.etl.stream_status AS SELECT * FROM etl.v_stream_status;");
        // A table like everything in the copy: a BI tool finds no views to re-plan on every query.
        finish.AppendLine(CultureInfo.InvariantCulture, $"CREATE TABLE {alias}.etl.v_stream_status AS SELECT * FROM etl.v_stream_status;");
        finish.AppendLine(CultureInfo.InvariantCulture, $"COMMENT ON TABLE {alias}.etl.v_stream_status IS {Literal("Last outcome and freshness per stream and account when this copy was published (the live view's name; the same rows as etl.stream_status).")};");
        // What `pipeline status` reads when a sync holds the warehouse: the cursors and the recent run log.
        finish.AppendLine(CultureInfo.InvariantCulture, $"CREATE TABLE {alias}.etl.sync_state AS SELECT * FROM etl.sync_state;");
        finish.AppendLine(CultureInfo.InvariantCulture, $"CREATE TABLE {alias}.etl.sync_runs AS SELECT * FROM etl.sync_runs WHERE started_at >= now()::TIMESTAMP - INTERVAL {RunLogDays} DAY;");
        finish.AppendLine(CultureInfo.InvariantCulture, $"COMMENT ON TABLE {alias}.etl.sync_runs IS {Literal($"The run log of the last {RunLogDays} days when this copy was published (etl.sync_runs).")};");
        finish.AppendLine(
            CultureInfo.InvariantCulture,
            $"CREATE TABLE {alias}.etl.published AS SELECT now()::TIMESTAMP AS published_at, {Literal(runId)} AS run_id, {Literal(Path.GetFullPath(warehouse.Location))} AS warehouse;");
        finish.AppendLine(CultureInfo.InvariantCulture, $"COMMENT ON TABLE {alias}.etl.stream_status IS {Literal("Last outcome and freshness per stream and account when this copy was published (etl.v_stream_status).")};");
        finish.AppendLine(CultureInfo.InvariantCulture, $"COMMENT ON TABLE {alias}.etl.published IS {Literal("When this read-only copy was published (UTC), by which run, from which warehouse file.")};");
        await InTransactionAsync(connection, finish.ToString());

        var counts = string.Join(" + ", published.Select(o => $"(SELECT count(*) FROM {alias}.{Quote(o.Schema)}.{Quote(o.Name)})"));
        var rows = published.Count == 0 ? 0 : await connection.ExecuteScalarAsync<long>($"SELECT {counts}");
        return (published.Count, rows);
    }

    /// <summary>
    /// Turns each view into a table of the copy (the connection's default database), dependencies first: the view's
    /// own query is run there, where the names it reads are the tables already built (and pass-through views of
    /// staging). One whose dependencies are not tables yet fails to bind and is tried again after the others. One
    /// the copy cannot bind for another reason (DuckDB plans some joins only over base tables) is computed in the
    /// live warehouse instead.
    /// </summary>
    private async Task MaterializeViewsAsync(
        DuckDBConnection connection, string live, IReadOnlyList<(string Schema, string Name, string Kind, string? Comment, string? Sql)> views, CancellationToken cancellationToken)
    {
        var pending = views.ToList();
        while (pending.Count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var failures = new List<((string Schema, string Name, string Kind, string? Comment, string? Sql) View, string Error)>();
            foreach (var view in pending)
            {
                var name = $"{Quote(view.Schema)}.{Quote(view.Name)}";
                var query = ViewQuery().Match(view.Sql ?? "") is { Success: true } m ? m.Groups["query"].Value.TrimEnd().TrimEnd(';') : null;
                if (query is null)
                {
                    failures.Add((view, "its definition has a form the copy does not rebuild"));
                    continue;
                }

                try
                {
                    await connection.ExecuteAsync($"CREATE TABLE {name} AS {query}");
                }
                catch (DuckDBException ex)
                {
                    failures.Add((view, DuckDbWarehouse.OneLine(ex.Message)));
                }
            }

            if (failures.Count == pending.Count)
            {
                // No view could be built this round: the ones failing for a reason other than a missing dependency
                // are computed in the live warehouse, and the rest are tried again over them.
                var unbindable = failures.Where(f => !f.Error.Contains("does not exist", StringComparison.Ordinal)).ToList();
                if (unbindable.Count == 0)
                {
                    var (first, error) = failures[0];
                    throw new InvalidOperationException($"cannot publish view {first.Schema}.{first.Name}: {error}");
                }

                foreach (var (view, error) in unbindable)
                {
                    log.LogDebug("Published copy: {Schema}.{Name} computed in the live warehouse ({Error})", view.Schema, view.Name, error);
                    await connection.ExecuteAsync($"CREATE TABLE {Quote(view.Schema)}.{Quote(view.Name)} AS SELECT * FROM {live}.{Quote(view.Schema)}.{Quote(view.Name)}");
                }

                failures.RemoveAll(unbindable.Contains);
            }

            pending = failures.Select(f => f.View).ToList();
        }
    }

    /// <summary>Table macros (mart.kpi_over_range) read dw/mart objects by name, which the copy has as tables.</summary>
    private async Task CopyMacrosAsync(DuckDBConnection connection, string alias)
    {
        var macros = await connection.QueryAsync<(string Schema, string Name, string Type, string Parameters, string Definition)>(
            """
            SELECT schema_name, function_name, function_type, array_to_string(parameters, ', '), macro_definition
            FROM duckdb_functions()
            WHERE database_name = current_database() AND schema_name IN ('dw', 'mart') AND NOT internal
              AND function_type IN ('macro', 'table_macro') AND macro_definition IS NOT NULL
            """);
        foreach (var (schema, name, type, parameters, definition) in macros)
        {
            var body = type == "table_macro" ? $"TABLE {definition}" : definition;
            try
            {
                await connection.ExecuteAsync($"CREATE MACRO {alias}.{Quote(schema)}.{Quote(name)}({parameters}) AS {body}");
            }
            catch (DuckDBException ex)
            {
                // A convenience for SQL users; the copy is still complete without it.
                log.LogWarning("Published copy: macro {Schema}.{Name} not recreated: {Error}", schema, name, DuckDbWarehouse.OneLine(ex.Message));
            }
        }
    }

    private static async Task InTransactionAsync(DuckDBConnection connection, string statements)
    {
        await using var transaction = await connection.BeginTransactionAsync();
        await connection.ExecuteAsync(statements, transaction: transaction);
        await transaction.CommitAsync();
    }

    private static async Task DetachQuietlyAsync(DuckDBConnection connection, string live, string alias)
    {
        try
        {
            await connection.ExecuteAsync($"USE {live}");
            await connection.ExecuteAsync($"DETACH DATABASE IF EXISTS {alias}");
        }
        catch (DuckDBException)
        {
            // The connection is going away with the attachment; the temp file is deleted next.
        }
    }

    private static void DeleteQuietly(string path)
    {
        try
        {
            File.Delete(path);
            File.Delete(path + ".wal");
        }
        catch (IOException)
        {
            // A leftover hidden temp file is harmless; the next publish writes a new one.
        }
    }

    private static string Quote(string identifier) => DuckDbTypes.Quote(identifier);

    private static string Literal(string text) => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";

    /// <summary>DuckDB keeps a view as <c>CREATE VIEW schema.name AS query;</c>.</summary>
    [GeneratedRegex(@"^\s*CREATE\s+VIEW\s+(?:""[^""]+""|\w+)\.(?:""[^""]+""|\w+)\s+AS\s+(?<query>.*)$", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex ViewQuery();

    [GeneratedRegex(@"^\s*CREATE\s+VIEW\s+mart_def\.(?<name>\w+)\s+AS\s+SELECT\s+(?<columns>(?:\w+|""[^""]+"")(?:\s*,\s*(?:\w+|""[^""]+""))*)\s+FROM\s+dw\.\k<name>\s*;?\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex KeptView();
}
