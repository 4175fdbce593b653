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
/// When the target is an earlier copy of this warehouse, the hidden file starts as a copy of it and only the mart rows
/// the refreshes since rewrote (etl.mart_changes) are replaced; the dw views are materialised again either way.
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
        Dictionary<string, DateOnly?>? changes;
        await using (var connection = warehouse.OpenConnection())
        {
            var live = Quote(await connection.ExecuteScalarAsync<string>("SELECT current_database()") ?? "memory");
            changes = await AttachStartingPointAsync(connection, target, temp, alias);
            try
            {
                (tables, rows) = await warehouse.WithQueryMemoryAsync(connection, () => CopyAsync(connection, live, alias, runId, changes, cancellationToken));
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
        var result = new PublishResult(target, tables, rows, Stopwatch.GetElapsedTime(started), changes is not null);
        log.LogInformation("Published {Tables} tables ({Rows} rows) for BI tools to {Path} in {Seconds:0.0} s{How}",
            result.Tables, result.Rows, result.Path, result.Duration.TotalSeconds,
            changes is null ? "" : $" (from the previous copy: {changes.Count} mart tables changed since)");
        return result;
    }

    /// <summary>
    /// Attaches the hidden file the copy is written to: a copy of the previous one when this warehouse's change log
    /// can bring it up to date (returns what changed since, by mart table: the first day, or null for the whole table),
    /// else a new file (returns null).
    /// </summary>
    private async Task<Dictionary<string, DateOnly?>?> AttachStartingPointAsync(DuckDBConnection connection, string target, string temp, string alias)
    {
        if (File.Exists(target))
        {
            try
            {
                File.Copy(target, temp);
                await connection.ExecuteAsync($"ATTACH {Literal(temp)} AS {alias}");
                if (await ChangesSinceAsync(connection, alias) is { } changes)
                {
                    return changes;
                }

                await connection.ExecuteAsync($"DETACH {alias}");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or DuckDBException)
            {
                log.LogDebug("Published copy: {Path} is not a starting point ({Reason}); publishing whole", target, DuckDbWarehouse.OneLine(e.Message));
                await connection.ExecuteAsync($"DETACH DATABASE IF EXISTS {alias}");
            }

            DeleteQuietly(temp);
        }

        await connection.ExecuteAsync($"ATTACH {Literal(temp)} AS {alias}");
        return null;
    }

    /// <summary>
    /// What changed since the attached copy was published, by mart table (the first day its rows were recomputed from,
    /// null for the whole table; unchanged tables are absent), or null when the copy cannot be brought up to date: not
    /// published from this warehouse, from before the change log, or from a point the log no longer holds (older than
    /// <see cref="MartRefresher.ChangesKeptDays"/> days, or a warehouse restored from a backup taken before it).
    /// </summary>
    private async Task<Dictionary<string, DateOnly?>?> ChangesSinceAsync(DuckDBConnection connection, string alias)
    {
        var published = (await connection.QueryAsync<(long? Seq, string? Id, string Warehouse)>(
            $"SELECT mart_changes_seq, mart_changes_id, warehouse FROM {alias}.etl.published")).ToList();
        if (published is not [{ Seq: { } seq, Id: { } id } copy] || copy.Warehouse != Path.GetFullPath(warehouse.Location)
            || await connection.ExecuteScalarAsync<long>($"SELECT count(*) FROM etl.mart_changes WHERE seq = {seq} AND refresh_id = {Literal(id)}") == 0)
        {
            return null;
        }

        var changes = new Dictionary<string, DateOnly?>(StringComparer.Ordinal);
        foreach (var (mart, whole, first) in await connection.QueryAsync<(string, bool, string?)>(
            $"SELECT mart, bool_or(first_day IS NULL), strftime(min(first_day), '%Y-%m-%d') FROM etl.mart_changes WHERE seq > {seq} GROUP BY mart"))
        {
            changes[mart] = whole || first is null ? null : DateOnly.ParseExact(first, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        }

        // A mart table the copy lacks, or whose columns a deploy changed since, is copied whole.
        const string Columns = "SELECT table_name, string_agg(column_name || ' ' || data_type, ', ' ORDER BY column_index) FROM duckdb_columns() WHERE database_name = {0} AND schema_name = 'mart' GROUP BY table_name";
        var copied = (await connection.QueryAsync<(string, string)>(string.Format(CultureInfo.InvariantCulture, Columns, Literal(alias)))).ToDictionary(c => c.Item1, c => c.Item2, StringComparer.Ordinal);
        foreach (var (table, columns) in await connection.QueryAsync<(string, string)>(
            string.Format(CultureInfo.InvariantCulture, Columns, "current_database()") + " HAVING table_name IN (SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = 'mart')"))
        {
            if (copied.GetValueOrDefault(table) != columns)
            {
                changes[$"mart.{table}"] = null;
            }
        }

        return changes;
    }

    /// <summary>
    /// Fills the attached copy. Views become tables in dependency order inside the copy, each computed from the
    /// tables its dependencies already became, so a base view (mart.kpi_values) is computed once rather than once
    /// per view built on it. Meanwhile the copy reaches the live staging and etl tables through pass-through views,
    /// dropped again at the end: the copy holds the dw and mart layers only. Statements that cannot fail run in
    /// one transaction each, so the copy costs a handful of commits rather than one per object.
    /// </summary>
    private async Task<(int Tables, long Rows)> CopyAsync(DuckDBConnection connection, string live, string alias, string runId, Dictionary<string, DateOnly?>? changes, CancellationToken cancellationToken)
    {
        // The change log as of now, before anything is read: a refresh committing while the copy is written is
        // replaced again by the next publish.
        var changeLog = (await connection.QueryAsync<(long? Seq, string? Id)>(
            "SELECT seq, refresh_id FROM etl.mart_changes WHERE seq = (SELECT max(seq) FROM etl.mart_changes) LIMIT 1")).FirstOrDefault();
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

        // A dw view a mart table keeps whole (mart_def.x is SELECT its columns FROM dw.x: mart.kpi_measure_daily) is
        // copied from that table, which the refresh before the publish just brought up to date, not recomputed.
        var kept = objects
            .Where(o => o.Schema == MartLayer.DefinitionSchema && KeptView().Match(o.Sql ?? "") is { Success: true } m && m.Groups["name"].Value == o.Name)
            .Where(o => published.Any(p => p.Schema == "dw" && p.Name == o.Name && p.Kind == "view") && published.Any(p => p.Schema == "mart" && p.Name == o.Name && p.Kind == "table"))
            .ToDictionary(o => o.Name, o => KeptView().Match(o.Sql!).Groups["columns"].Value, StringComparer.Ordinal);

        if (changes is not null)
        {
            await DropRecomputedAsync(connection, alias, published.Where(o => o.Schema == "mart" && o.Kind == "table").Select(o => o.Name).ToHashSet(StringComparer.Ordinal), kept);
        }

        var setup = new StringBuilder();
        foreach (var schema in Schemas.Append("etl").Append("staging"))
        {
            setup.AppendLine(CultureInfo.InvariantCulture, $"CREATE SCHEMA IF NOT EXISTS {alias}.{Quote(schema)};");
        }

        // From the previous copy, its mart tables are brought up to date below; the dw tables (channel mapping) are small.
        foreach (var (schema, name, _, _, _) in published.Where(o => o.Kind == "table" && (changes is null || o.Schema != "mart")))
        {
            setup.AppendLine(CultureInfo.InvariantCulture, $"CREATE TABLE {alias}.{Quote(schema)}.{Quote(name)} AS SELECT * FROM {Quote(schema)}.{Quote(name)};");
        }

        foreach (var (schema, name, _, _, _) in passThrough)
        {
            setup.AppendLine(CultureInfo.InvariantCulture, $"CREATE VIEW {alias}.{Quote(schema)}.{Quote(name)} AS SELECT * FROM {live}.{Quote(schema)}.{Quote(name)};");
        }

        await InTransactionAsync(connection, setup.ToString());

        var keptCopies = new StringBuilder();
        if (changes is not null)
        {
            keptCopies.Append(await ChangedRowsAsync(connection, alias, published.Where(o => o.Schema == "mart" && o.Kind == "table").Select(o => o.Name), kept, changes));
        }
        else
        {
            foreach (var (name, columns) in kept)
            {
                keptCopies.AppendLine(CultureInfo.InvariantCulture, $"CREATE TABLE {alias}.dw.{Quote(name)} AS SELECT {columns} FROM {alias}.mart.{Quote(name)};");
            }
        }

        if (keptCopies.Length > 0)
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
            $"CREATE TABLE {alias}.etl.published AS SELECT now()::TIMESTAMP AS published_at, {Literal(runId)} AS run_id, {Literal(Path.GetFullPath(warehouse.Location))} AS warehouse, " +
            $"CAST({(changeLog.Seq is { } seq ? seq.ToString(CultureInfo.InvariantCulture) : "NULL")} AS BIGINT) AS mart_changes_seq, CAST({(changeLog.Id is { } id ? Literal(id) : "NULL")} AS VARCHAR) AS mart_changes_id;");
        finish.AppendLine(CultureInfo.InvariantCulture, $"COMMENT ON TABLE {alias}.etl.stream_status IS {Literal("Last outcome and freshness per stream and account when this copy was published (etl.v_stream_status).")};");
        finish.AppendLine(CultureInfo.InvariantCulture, $"COMMENT ON TABLE {alias}.etl.published IS {Literal("When this read-only copy was published (UTC), by which run, from which warehouse file, and the last mart refresh it holds (etl.mart_changes).")};");
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

    /// <summary>
    /// Drops what a copy started from the previous one recomputes anyway: everything but the mart tables the warehouse
    /// still has and the dw tables kept from them (dw views materialised, etl tables, mart views, macros).
    /// </summary>
    private static async Task DropRecomputedAsync(DuckDBConnection connection, string alias, IReadOnlySet<string> martTables, IReadOnlyDictionary<string, string> kept)
    {
        var objects = await connection.QueryAsync<(string Schema, string Name, string Kind)>(
            $"""
            SELECT schema_name, table_name, 'TABLE' FROM duckdb_tables() WHERE database_name = {Literal(alias)}
            UNION ALL
            SELECT schema_name, view_name, 'VIEW' FROM duckdb_views() WHERE database_name = {Literal(alias)} AND NOT internal
            UNION ALL
            SELECT DISTINCT schema_name, function_name, CASE function_type WHEN 'table_macro' THEN 'MACRO TABLE' ELSE 'MACRO' END
            FROM duckdb_functions() WHERE database_name = {Literal(alias)} AND NOT internal AND function_type IN ('macro', 'table_macro')
            """);
        var drops = new StringBuilder();
        foreach (var (schema, name, kind) in objects)
        {
            var keep = kind == "TABLE" && ((schema == "mart" && martTables.Contains(name)) || (schema == "dw" && kept.ContainsKey(name) && martTables.Contains(name)));
            if (!keep)
            {
                drops.AppendLine(CultureInfo.InvariantCulture, $"DROP {kind} IF EXISTS {alias}.{Quote(schema)}.{Quote(name)};");
            }
        }

        if (drops.Length > 0)
        {
            await InTransactionAsync(connection, drops.ToString());
        }
    }

    /// <summary>
    /// The statements bringing a copy's mart tables (and the dw tables kept from them) up to date: the rows a refresh
    /// since rewrote are deleted and copied again, in the table's write order; a table changed whole is copied whole.
    /// </summary>
    private async Task<string> ChangedRowsAsync(DuckDBConnection connection, string alias, IEnumerable<string> martTables, IReadOnlyDictionary<string, string> kept, IReadOnlyDictionary<string, DateOnly?> changes)
    {
        var existing = (await connection.QueryAsync<(string, string)>(
            $"SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = {Literal(alias)}")).ToHashSet();
        var definitions = (warehouse.Marts?.Marts ?? []).ToDictionary(m => m.Table, StringComparer.Ordinal);
        var statements = new StringBuilder();
        foreach (var name in martTables)
        {
            var table = $"mart.{name}";
            var changed = changes.TryGetValue(table, out var firstDay);
            var mart = definitions.GetValueOrDefault(table);
            var where = changed && firstDay is not null && mart is not null ? MartRefreshStatements.RowsChangedFrom(mart, firstDay) : "";
            var order = mart is null ? "" : MartRefreshStatements.OrderBy(mart);
            var martTable = $"{alias}.mart.{Quote(name)}";
            if (changed && where.Length == 0)
            {
                statements.AppendLine(CultureInfo.InvariantCulture, $"DROP TABLE IF EXISTS {martTable};");
                statements.AppendLine(CultureInfo.InvariantCulture, $"CREATE TABLE {martTable} AS SELECT * FROM mart.{Quote(name)};");
            }
            else if (changed)
            {
                statements.AppendLine(CultureInfo.InvariantCulture, $"DELETE FROM {martTable}{where};");
                statements.AppendLine(CultureInfo.InvariantCulture, $"INSERT INTO {martTable} SELECT * FROM mart.{Quote(name)}{where}{order};");
            }

            if (kept.TryGetValue(name, out var columns))
            {
                var keptTable = $"{alias}.dw.{Quote(name)}";
                if (!existing.Contains(("dw", name)) || (changed && where.Length == 0))
                {
                    statements.AppendLine(CultureInfo.InvariantCulture, $"DROP TABLE IF EXISTS {keptTable};");
                    statements.AppendLine(CultureInfo.InvariantCulture, $"CREATE TABLE {keptTable} AS SELECT {columns} FROM {martTable};");
                }
                else if (changed)
                {
                    statements.AppendLine(CultureInfo.InvariantCulture, $"DELETE FROM {keptTable}{where};");
                    statements.AppendLine(CultureInfo.InvariantCulture, $"INSERT INTO {keptTable} SELECT {columns} FROM {martTable}{where}{order};");
                }
            }
        }

        return statements.ToString();
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
