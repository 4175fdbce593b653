using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Pipeline.Sandbox.Hosting;
using Pipeline.Sandbox.World;

namespace Pipeline.Sandbox.HubSpot;

/// <summary>HubSpot CRM v3 objects and search, deal pipelines, v4 association batch reads.</summary>
internal static class HubSpotApi
{
    private const int ListMaxLimit = 100, SearchMaxLimit = 200, SearchResultCap = 10_000;

    public static void Map(WebApplication app, SandboxState agency)
    {
        // Each request is served by the account it names: an agency client's own world and limits, or the world's own.
        app.MapGet("/hubspot/crm/v3/objects/{objectType}", AgencyTenants.Serve(agency, (ctx, state) => Authorized(ctx, state, type => List(ctx, state, type))));
        app.MapGet("/hubspot/crm/v3/objects/{objectType}/{id}", AgencyTenants.Serve(agency, (ctx, state) => Authorized(ctx, state, type => Single(ctx, state, type))));
        app.MapPost("/hubspot/crm/v3/objects/{objectType}/search", AgencyTenants.Serve(agency, (ctx, state) => Authorized(ctx, state, type => Search(ctx, state, type))));
        app.MapGet("/hubspot/crm/v3/pipelines/deals", AgencyTenants.Serve(agency, (ctx, state) => AuthorizedAny(ctx, state, () => Pipelines(ctx))));
        app.MapPost("/hubspot/crm/v4/associations/{fromType}/{toType}/batch/read", AgencyTenants.Serve(agency, (ctx, state) => AuthorizedAny(ctx, state, () => Associations(ctx, state))));
        app.MapGet("/hubspot/account-info/v3/details", AgencyTenants.Serve(agency, (ctx, state) => AuthorizedAny(ctx, state, () => AccountDetails(ctx, state))));
        app.MapGet("/hubspot/crm/v3/properties/{objectType}", AgencyTenants.Serve(agency, (ctx, state) => Authorized(ctx, state, type => PropertyDefinitions(ctx, state, type))));
    }

    private static Task AccountDetails(HttpContext ctx, SandboxState state) => HttpJson.Write(ctx, 200, new JsonObject
    {
        ["portalId"] = state.World.Crm.PortalId,
        ["accountType"] = "STANDARD",
        ["timeZone"] = state.World.Crm.TimeZone,
        ["companyCurrency"] = state.World.Crm.Currency,
        ["additionalCurrencies"] = new JsonArray(),
        ["utcOffset"] = "+01:00",
        ["utcOffsetMilliseconds"] = 3_600_000,
        ["uiDomain"] = "app-eu1.hubspot.com",
        ["dataHostingLocation"] = "eu1",
    });

    /// <summary>
    /// Definitions of every property the world's records of this type carry (names from the first record) plus
    /// hs_object_id, in HubSpot's shape: type (string, number, datetime, enumeration, bool) and fieldType as HubSpot
    /// defines them, enumeration options (deal stages from the pipeline), group, description and flags.
    /// </summary>
    private static Task PropertyDefinitions(HttpContext ctx, SandboxState state, CrmObjectType type)
    {
        var names = (state.World.Crm.Count(type) == 0 ? [] : state.World.Crm.Properties(type, 0).Keys).Append("hs_object_id")
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var group = type switch { CrmObjectType.Contacts => "contactinformation", CrmObjectType.Companies => "companyinformation", _ => "dealinformation" };
        return HttpJson.Write(ctx, 200, new JsonObject
        {
            ["results"] = new JsonArray(names.Select((n, i) => (JsonNode)PropertyDefinition(n, group, i)).ToArray()),
        });
    }

    private static JsonObject PropertyDefinition(string name, string group, int order)
    {
        (string Type, string FieldType, (string Label, string Value)[] Options) shape = name switch
        {
            "hs_object_id" or "amount" or "num_employees" or "annualrevenue" => ("number", "number", []),
            "dealstage" => ("enumeration", "select", [.. CrmWorld.Stages.Select(s => (s.Label, s.Id))]),
            "pipeline" => ("enumeration", "select", [("Sales Pipeline", "default")]),
            "hs_is_closed" or "hs_is_closed_won" => ("bool", "booleancheckbox", [("Yes", "true"), ("No", "false")]),
            "lifecyclestage" => ("enumeration", "radio",
                [("Subscriber", "subscriber"), ("Lead", "lead"), ("Marketing Qualified Lead", "marketingqualifiedlead"), ("Sales Qualified Lead", "salesqualifiedlead"),
                 ("Opportunity", "opportunity"), ("Customer", "customer"), ("Evangelist", "evangelist"), ("Other", "other")]),
            "hs_analytics_source" => ("enumeration", "select",
                [.. new[] { "ORGANIC_SEARCH", "PAID_SEARCH", "EMAIL_MARKETING", "SOCIAL_MEDIA", "PAID_SOCIAL", "REFERRALS", "DIRECT_TRAFFIC", "OTHER_CAMPAIGNS", "OFFLINE", "AI_REFERRALS" }
                    .Select(v => (System.Globalization.CultureInfo.InvariantCulture.TextInfo.ToTitleCase(v.Replace('_', ' ').ToLowerInvariant()), v))]),
            _ when name.EndsWith("date", StringComparison.Ordinal) || name.StartsWith("hs_date_entered_", StringComparison.Ordinal)
                || name.StartsWith("hs_lifecyclestage_", StringComparison.Ordinal) => ("datetime", "date", []),
            _ => ("string", "text", []),
        };
        var calculated = name is "hs_object_id" or "hs_is_closed" or "hs_is_closed_won" or "lastmodifieddate" or "hs_lastmodifieddate"
            || name.StartsWith("hs_date_entered_", StringComparison.Ordinal) || name.StartsWith("hs_lifecyclestage_", StringComparison.Ordinal);
        return new JsonObject
        {
            ["updatedAt"] = "2024-01-10T09:00:00.000Z",
            ["createdAt"] = "2019-08-06T02:41:52.000Z",
            ["name"] = name,
            ["label"] = name,
            ["type"] = shape.Type,
            ["fieldType"] = shape.FieldType,
            ["description"] = "",
            ["groupName"] = group,
            ["options"] = new JsonArray(shape.Options.Select((o, i) => (JsonNode)new JsonObject
            {
                ["label"] = o.Label,
                ["value"] = o.Value,
                ["displayOrder"] = i,
                ["hidden"] = false,
            }).ToArray()),
            ["displayOrder"] = order,
            ["calculated"] = calculated,
            ["externalOptions"] = name == "dealstage" || name == "pipeline",
            ["hasUniqueValue"] = name == "hs_object_id",
            ["hidden"] = false,
            ["hubspotDefined"] = true,
            ["modificationMetadata"] = new JsonObject { ["archivable"] = !calculated, ["readOnlyDefinition"] = true, ["readOnlyValue"] = calculated },
            ["formField"] = !calculated,
            ["dataSensitivity"] = "non_sensitive",
        };
    }

    private static CrmObjectType? ParseType(string? text) => text?.ToLowerInvariant() switch
    {
        "contacts" or "contact" or "0-1" => CrmObjectType.Contacts,
        "companies" or "company" or "0-2" => CrmObjectType.Companies,
        "deals" or "deal" or "0-3" => CrmObjectType.Deals,
        _ => null,
    };

    private static Task Authorized(HttpContext ctx, SandboxState state, Func<CrmObjectType, Task> handler) =>
        AuthorizedAny(ctx, state, () => ParseType((string?)ctx.Request.RouteValues["objectType"]) is { } type
            ? handler(type)
            : HubSpotErrors.Write(ctx, 400, "Unable to infer object type from: " + ctx.Request.RouteValues["objectType"], "VALIDATION_ERROR"));

    /// <summary>
    /// Query parameters the sandbox emulates on each GET route. HubSpot would apply the others (associations,
    /// propertiesWithHistory, idProperty, …); the sandbox cannot, so it refuses them rather than answer without them.
    /// </summary>
    private static string[] SupportedQuery(PathString path) =>
        path.StartsWithSegments("/hubspot/crm/v3/objects", StringComparison.Ordinal) ? ["limit", "after", "archived", "properties"]
        : path.StartsWithSegments("/hubspot/crm/v3/properties", StringComparison.Ordinal) ? ["archived"]
        : [];

    private static string? UnsupportedQuery(HttpContext ctx) =>
        ctx.Request.Query.Keys.FirstOrDefault(k => !SupportedQuery(ctx.Request.Path).Contains(k, StringComparer.Ordinal));

    private static Task AuthorizedAny(HttpContext ctx, SandboxState state, Func<Task> handler)
    {
        var header = ctx.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || header[7..].Trim() != state.HubSpotAccessToken)
        {
            return HubSpotErrors.InvalidAuthentication(ctx);
        }

        return UnsupportedQuery(ctx) is { } unsupported
            ? HubSpotErrors.Validation(ctx, $"Unsupported query parameter '{unsupported}' (not emulated by the sandbox)")
            : handler();
    }

    private static JsonObject RecordJson(SandboxState state, CrmRecordCore core, IReadOnlyList<string> properties)
    {
        var all = state.World.Crm.Properties(core.Type, core.Index);
        var props = new JsonObject();
        foreach (var name in properties)
        {
            if (all.TryGetValue(name, out var value))
            {
                props[name] = value;
            }
        }

        var json = new JsonObject
        {
            ["id"] = core.Id.ToString(CultureInfo.InvariantCulture),
            ["properties"] = props,
            ["createdAt"] = CrmWorld.Iso(core.CreatedAt),
            ["updatedAt"] = CrmWorld.Iso(core.UpdatedAt),
            ["archived"] = core.Archived,
        };
        if (core.ArchivedAt is { } archivedAt)
        {
            json["archivedAt"] = CrmWorld.Iso(archivedAt);
        }

        return json;
    }

    private static IReadOnlyList<string> RequestedProperties(CrmObjectType type, IEnumerable<string> requested)
    {
        var list = requested.SelectMany(p => p.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
        return list.Count == 0 ? CrmWorld.DefaultProperties(type) : list;
    }

    private static async Task List(HttpContext ctx, SandboxState state, CrmObjectType type)
    {
        var q = ctx.Request.Query;
        var limit = 10;
        if (q["limit"].ToString() is { Length: > 0 } l && (!int.TryParse(l, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > ListMaxLimit))
        {
            await HubSpotErrors.Validation(ctx, $"limit must be between 1 and {ListMaxLimit}");
            return;
        }

        var archived = string.Equals(q["archived"], "true", StringComparison.OrdinalIgnoreCase);
        var after = 0L;
        if (q["after"].ToString() is { Length: > 0 } a && !long.TryParse(a, NumberStyles.None, CultureInfo.InvariantCulture, out after))
        {
            await HubSpotErrors.Validation(ctx, "after must be a paging cursor returned by a previous page");
            return;
        }

        var crm = state.World.Crm;
        var properties = RequestedProperties(type, q["properties"].Select(x => x ?? ""));
        var results = new JsonArray();
        string? next = null;
        var start = (int)Math.Max(0, after - CrmWorld.IdBase(type));
        for (var i = start; i < crm.Count(type); i++)
        {
            var core = crm.Core(type, i);
            if (core.Archived != archived)
            {
                continue;
            }

            if (results.Count == limit)
            {
                // HubSpot's list cursor is the id to continue from.
                next = core.Id.ToString(CultureInfo.InvariantCulture);
                break;
            }

            results.Add(RecordJson(state, core, properties));
        }

        var body = new JsonObject { ["results"] = results };
        if (next is not null)
        {
            var link = $"{ctx.Request.Scheme}://{ctx.Request.Host}{ctx.Request.Path}?after={next}&limit={limit.ToString(CultureInfo.InvariantCulture)}";
            body["paging"] = new JsonObject { ["next"] = new JsonObject { ["after"] = next, ["link"] = link } };
        }

        await HttpJson.Write(ctx, 200, body);
    }

    private static async Task Single(HttpContext ctx, SandboxState state, CrmObjectType type)
    {
        if (!long.TryParse((string?)ctx.Request.RouteValues["id"], NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            || state.World.Crm.IndexOf(type, id) is not { } index || state.World.Crm.Core(type, index).Archived)
        {
            await HubSpotErrors.NotFound(ctx);
            return;
        }

        await HttpJson.Write(ctx, 200, RecordJson(state, state.World.Crm.Core(type, index), RequestedProperties(type, ctx.Request.Query["properties"].Select(x => x ?? ""))));
    }

    private sealed record Filter(string Property, string Operator, string? Value, string? HighValue);

    private static async Task Search(HttpContext ctx, SandboxState state, CrmObjectType type)
    {
        var body = await HttpJson.ReadBody(ctx) as JsonObject ?? [];
        string[] supported = ["filterGroups", "sorts", "properties", "limit", "after"];
        if (body.Select(kv => kv.Key).FirstOrDefault(k => !supported.Contains(k, StringComparer.Ordinal)) is { } unsupported)
        {
            await HubSpotErrors.Validation(ctx, $"Invalid input JSON: unsupported field '{unsupported}' (not emulated by the sandbox)");
            return;
        }

        if (ParseSort(body["sorts"]) is not { } sort)
        {
            await HubSpotErrors.Validation(ctx, "sorts must hold at most one sort on hs_object_id, createdate or " + CrmWorld.ModifiedDateProperty(type)
                + ", written as {\"propertyName\",\"direction\":\"ASCENDING\"|\"DESCENDING\"} or \"[-]propertyName\"");
            return;
        }

        var limit = ReadInt(body["limit"]) ?? 10;
        var after = body["after"] is { } a ? (ReadInt(a) ?? -1) : 0;
        if (limit is < 1 or > SearchMaxLimit)
        {
            await HubSpotErrors.Validation(ctx, $"limit must be between 1 and {SearchMaxLimit}");
            return;
        }

        if (after < 0)
        {
            await HubSpotErrors.Validation(ctx, "after must be a non-negative integer");
            return;
        }

        if (after >= SearchResultCap)
        {
            // The search index never returns hits beyond the first 10,000 of a query.
            await HubSpotErrors.Validation(ctx, "There was a problem with the request. Paging beyond 10000 results is not supported; narrow the query (e.g. hs_object_id GT the last id).");
            return;
        }

        var groups = new List<List<Filter>>();
        foreach (var g in body["filterGroups"]?.AsArray() ?? [])
        {
            var filters = new List<Filter>();
            foreach (var f in g?["filters"]?.AsArray() ?? [])
            {
                filters.Add(new Filter(f?["propertyName"]?.ToString() ?? "", f?["operator"]?.ToString() ?? "", f?["value"]?.ToString(), f?["highValue"]?.ToString()));
            }

            groups.Add(filters);
        }

        if (groups.Count > 5 || groups.Sum(g => g.Count) > 18)
        {
            await HubSpotErrors.Validation(ctx, "Search requests allow at most 5 filterGroups and 18 filters.");
            return;
        }

        var crm = state.World.Crm;
        var matches = new List<CrmRecordCore>();
        for (var i = 0; i < crm.Count(type); i++)
        {
            var core = crm.Core(type, i);
            // Archived records are not in the search index.
            if (!core.Archived && (groups.Count == 0 || groups.Any(g => g.All(f => Matches(crm, core, f)))))
            {
                matches.Add(core);
            }
        }

        var (sortProperty, descending) = sort;
        if (sortProperty is not ("hs_object_id" or "createdate") && sortProperty != CrmWorld.ModifiedDateProperty(type))
        {
            await HubSpotErrors.Validation(ctx, $"Sorting by '{sortProperty}' is not emulated by the sandbox; use hs_object_id, createdate or {CrmWorld.ModifiedDateProperty(type)}");
            return;
        }

        Func<CrmRecordCore, long> key = sortProperty switch
        {
            "createdate" => c => c.CreatedAt.ToUnixTimeMilliseconds(),
            "hs_object_id" => c => c.Id,
            _ => c => c.UpdatedAt.ToUnixTimeMilliseconds(),
        };
        var ordered = (descending ? matches.OrderByDescending(key) : matches.OrderBy(key)).ThenBy(c => c.Id).ToList();
        var properties = RequestedProperties(type, (body["properties"]?.AsArray() ?? []).Select(p => p?.ToString() ?? ""));
        var page = ordered.Skip((int)after).Take((int)Math.Min(limit, SearchResultCap - after)).ToList();
        var response = new JsonObject
        {
            ["total"] = ordered.Count,
            ["results"] = new JsonArray(page.Select(c => (JsonNode)RecordJson(state, c, properties)).ToArray()),
        };
        var nextAfter = after + page.Count;
        if (nextAfter < ordered.Count)
        {
            response["paging"] = new JsonObject { ["next"] = new JsonObject { ["after"] = nextAfter.ToString(CultureInfo.InvariantCulture) } };
        }

        await HttpJson.Write(ctx, 200, response);
    }

    /// <summary>
    /// The one sort of a search: an object <c>{"propertyName","direction"}</c> or, as HubSpot's SDKs send it, a string
    /// <c>"createdate"</c> / <c>"-createdate"</c> (descending). No sorts: by id ascending. Null when malformed or more than one.
    /// </summary>
    private static (string Property, bool Descending)? ParseSort(JsonNode? sorts)
    {
        if (sorts is null)
        {
            return ("hs_object_id", false);
        }

        if (sorts is not JsonArray array || array.Count > 1)
        {
            return null;
        }

        return array.FirstOrDefault() switch
        {
            null => ("hs_object_id", false),
            JsonValue v when v.GetValueKind() == JsonValueKind.String && v.GetValue<string>() is { Length: > 0 } text =>
                text.StartsWith('-') ? (text[1..], true) : (text, false),
            JsonObject o when o["propertyName"] is JsonValue name && name.GetValueKind() == JsonValueKind.String
                && (o["direction"]?.ToString() ?? "ASCENDING") is "ASCENDING" or "DESCENDING" =>
                (name.GetValue<string>(), o["direction"]?.ToString() == "DESCENDING"),
            _ => null,
        };
    }

    private static long? ReadInt(JsonNode? node) => node switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => v.GetValue<long>(),
        JsonValue v when v.GetValueKind() == JsonValueKind.String && long.TryParse(v.GetValue<string>(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) => n,
        _ => null,
    };

    private static bool Matches(CrmWorld crm, CrmRecordCore core, Filter f)
    {
        var modifiedProperty = CrmWorld.ModifiedDateProperty(core.Type);
        long? actual = f.Property switch
        {
            "hs_object_id" => core.Id,
            "createdate" => core.CreatedAt.ToUnixTimeMilliseconds(),
            _ when f.Property == modifiedProperty => core.UpdatedAt.ToUnixTimeMilliseconds(),
            _ => null,
        };
        if (actual is null)
        {
            // Other properties (including a wrong modified-date property) compare on their stored text.
            var text = crm.Properties(core.Type, core.Index).GetValueOrDefault(f.Property);
            if (text is not null && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var dt) && text.Contains('T', StringComparison.Ordinal))
            {
                actual = dt.ToUnixTimeMilliseconds();
            }
            else
            {
                return f.Operator switch
                {
                    "EQ" => text == f.Value,
                    "NEQ" => text != f.Value,
                    "HAS_PROPERTY" => text is not null,
                    "NOT_HAS_PROPERTY" => text is null,
                    _ => text is not null && long.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out var n) && Compare(n, f),
                };
            }
        }

        return Compare(actual.Value, f);
    }

    private static bool Compare(long actual, Filter f)
    {
        var value = ParseFilterValue(f.Value);
        var high = ParseFilterValue(f.HighValue);
        return f.Operator switch
        {
            "EQ" => actual == value,
            "NEQ" => actual != value,
            "GT" => actual > value,
            "GTE" => actual >= value,
            "LT" => actual < value,
            "LTE" => actual <= value,
            "BETWEEN" => actual >= value && actual <= high,
            "HAS_PROPERTY" => true,
            _ => false,
        };
    }

    /// <summary>Filter values are ids, epoch milliseconds or ISO-8601 dates.</summary>
    private static long? ParseFilterValue(string? text) =>
        text is null ? null
        : long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n
        : DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var d) ? d.ToUnixTimeMilliseconds()
        : null;

    private static Task Pipelines(HttpContext ctx)
    {
        var created = "2024-01-10T09:00:00.000Z";
        var stages = new JsonArray(CrmWorld.Stages.Select(s => (JsonNode)new JsonObject
        {
            ["id"] = s.Id,
            ["label"] = s.Label,
            ["displayOrder"] = s.DisplayOrder,
            // HubSpot sends stage metadata values as strings.
            ["metadata"] = new JsonObject
            {
                ["isClosed"] = s.IsClosed ? "true" : "false",
                ["probability"] = s.Probability.ToString("0.0", CultureInfo.InvariantCulture),
            },
            ["createdAt"] = created,
            ["updatedAt"] = created,
            ["archived"] = false,
        }).ToArray());
        return HttpJson.Write(ctx, 200, new JsonObject
        {
            ["results"] = new JsonArray(new JsonObject
            {
                ["id"] = "default",
                ["label"] = "Sales Pipeline",
                ["displayOrder"] = 0,
                ["stages"] = stages,
                ["createdAt"] = created,
                ["updatedAt"] = created,
                ["archived"] = false,
            }),
        });
    }

    private static async Task Associations(HttpContext ctx, SandboxState state)
    {
        var from = ParseType((string?)ctx.Request.RouteValues["fromType"]);
        var to = ParseType((string?)ctx.Request.RouteValues["toType"]);
        if (from is null || to is null || from == to)
        {
            await HubSpotErrors.Validation(ctx, "Unsupported association: " + ctx.Request.RouteValues["fromType"] + " to " + ctx.Request.RouteValues["toType"]);
            return;
        }

        var inputs = (await HttpJson.ReadBody(ctx))?["inputs"]?.AsArray();
        if (inputs is null || inputs.Count > 1000)
        {
            await HubSpotErrors.Validation(ctx, "inputs must hold between 0 and 1000 ids");
            return;
        }

        var crm = state.World.Crm;
        var results = new JsonArray();
        var errors = new JsonArray();
        foreach (var input in inputs)
        {
            var idText = input?["id"]?.ToString();
            if (!long.TryParse(idText, NumberStyles.None, CultureInfo.InvariantCulture, out var id) || crm.IndexOf(from.Value, id) is not { } index)
            {
                errors.Add(new JsonObject { ["status"] = "error", ["category"] = "OBJECT_NOT_FOUND", ["message"] = "No " + from + " with id " + idText, ["context"] = new JsonObject { ["fromObjectId"] = new JsonArray(idText) } });
                continue;
            }

            var targets = Targets(crm, from.Value, to.Value, index).Take(500).ToList();
            var typeId = (from.Value, to.Value) switch
            {
                (CrmObjectType.Contacts, CrmObjectType.Companies) => 1,
                (CrmObjectType.Companies, CrmObjectType.Contacts) => 2,
                (CrmObjectType.Deals, CrmObjectType.Contacts) => 3,
                (CrmObjectType.Contacts, CrmObjectType.Deals) => 4,
                (CrmObjectType.Deals, CrmObjectType.Companies) => 5,
                _ => 6,
            };
            results.Add(new JsonObject
            {
                ["from"] = new JsonObject { ["id"] = idText },
                ["to"] = new JsonArray(targets.Select(t => (JsonNode)new JsonObject
                {
                    ["toObjectId"] = CrmWorld.IdBase(to.Value) + t,
                    ["associationTypes"] = new JsonArray(new JsonObject { ["category"] = "HUBSPOT_DEFINED", ["typeId"] = typeId, ["label"] = "Primary" }),
                }).ToArray()),
            });
        }

        var now = CrmWorld.Iso(DateTimeOffset.UtcNow);
        var response = new JsonObject { ["status"] = "COMPLETE", ["results"] = results, ["startedAt"] = now, ["completedAt"] = now };
        if (errors.Count > 0)
        {
            response["numErrors"] = errors.Count;
            response["errors"] = errors;
        }

        await HttpJson.Write(ctx, errors.Count > 0 ? 207 : 200, response);
    }

    private static IEnumerable<int> Targets(CrmWorld crm, CrmObjectType from, CrmObjectType to, int index) => (from, to) switch
    {
        (CrmObjectType.Contacts, CrmObjectType.Companies) => [crm.CompanyOfContact(index)],
        (CrmObjectType.Companies, CrmObjectType.Contacts) => crm.ContactsOfCompany(index),
        (CrmObjectType.Deals, CrmObjectType.Contacts) => [crm.ContactOfDeal(index)],
        (CrmObjectType.Contacts, CrmObjectType.Deals) => crm.DealsOfContact(index),
        (CrmObjectType.Deals, CrmObjectType.Companies) => [crm.CompanyOfContact(crm.ContactOfDeal(index))],
        _ => crm.ContactsOfCompany(index).SelectMany(crm.DealsOfContact),
    };
}
