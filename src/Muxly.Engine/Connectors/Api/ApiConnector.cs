using System.Text.Json.Nodes;
using Muxly.Router.Runs;

namespace Muxly.Connectors.Api;

/// <summary>
/// The <c>api</c> connector: records from any JSON REST endpoint, page after page. See <see cref="ApiOptions"/> for the
/// connection settings, <see cref="ApiAuth"/> for the auth settings, <see cref="ApiPagination"/> for paging and
/// <see cref="RetryPolicy"/> for retries. The records are the array at <c>records_path</c> (an object there is one
/// record); without it, the response itself if it is an array, else the response object as one record.
/// </summary>
public sealed class ApiConnector : IConnectorType
{
    public string Name => "api";

    public void Validate(JsonObject connection, JsonObject auth) => ApiOptions.Parse(connection, auth, atSave: true);

    public IEnumerable<SourceItem> Read(ConnectorSettings settings, RunContext context)
    {
        var options = ApiOptions.Parse(settings.Connection, settings.Auth, atSave: false);
        return ReadPages(options, context);
    }

    public ConnectionTestResult Test(ConnectorSettings settings, RunContext context)
    {
        var started = DateTimeOffset.UtcNow;
        ConnectionTestResult Result(bool success, string message) => new(success, message, DateTimeOffset.UtcNow - started);
        try
        {
            var options = ApiOptions.Parse(settings.Connection, settings.Auth, atSave: false);
            var url = options.Pagination.FirstUrl(options.Url);
            var response = new ApiPageClient(options).Fetch(url, context, RetryPolicy.None);
            var items = Records(options, response, 1, context);
            var failed = items.Count(item => item.IsError);
            var safeUrl = options.Redactor.SafeUrl(options.Auth.ApplyToUrl(url));
            return Result(true, $"{options.Method} {safeUrl} answered {response.StatusText} with {items.Count - failed} record(s) on the first page"
                + (failed > 0 ? $" and {failed} item(s) that are not objects." : "."));
        }
        catch (MuxlyException ex)
        {
            return Result(false, ex.Message);
        }
    }

    private static IEnumerable<SourceItem> ReadPages(ApiOptions options, RunContext context)
    {
        var client = new ApiPageClient(options);
        var url = options.Pagination.FirstUrl(options.Url);
        for (var number = 1; ; number++)
        {
            var response = client.Fetch(url, context, options.Retry);
            var items = Records(options, response, number, context);
            foreach (var item in items)
            {
                yield return item;
            }

            if (items.Count == 0)
            {
                yield break;
            }

            var next = options.Pagination.NextUrl(options.Url, new ApiPage(url, number, (int)response.Status, response.Body, response.Headers, items.Count));
            if (next is null)
            {
                yield break;
            }

            if (string.Equals(next, url, StringComparison.Ordinal))
            {
                context.Warn(options.Redactor.Redact($"Page {number} of {options.Redactor.SafeUrl(url)} points to itself as the next page; stopping."));
                yield break;
            }

            if (number >= options.Pagination.MaxPages)
            {
                context.Warn($"Stopped after {number} pages (pagination max_pages); more pages were available.");
                yield break;
            }

            url = next;
        }
    }

    /// <summary>The records of one page, each detached from the response so that it stands alone.</summary>
    private static List<SourceItem> Records(ApiOptions options, ApiResponse response, int page, RunContext context)
    {
        var items = new List<SourceItem>();
        var where = $"{options.Method} {options.Redactor.SafeUrl(options.Auth.ApplyToUrl(response.Url))}";
        var found = response.Body;
        if (options.RecordsPath is { } path && !path.TryGet(response.Body, out found))
        {
            if (page == 1)
            {
                context.Warn($"{where}: the response has nothing at records_path '{path.Text}', so it holds no records.");
            }

            return items;
        }

        switch (found)
        {
            case null:
                break;
            case JsonArray array:
                var elements = array.ToArray();
                array.Clear();
                for (var i = 0; i < elements.Length; i++)
                {
                    items.Add(elements[i] is JsonObject record
                        ? SourceItem.Ok(record)
                        : SourceItem.Failed($"Item {i + 1} is {SettingReader.Describe(elements[i])}, not a JSON object.", $"{where} page {page} item {i + 1}"));
                }

                break;
            case JsonObject obj:
                items.Add(SourceItem.Ok(obj.Parent is null ? obj : (JsonObject)obj.DeepClone()));
                break;
            default:
                throw new MuxlyException(MuxlyErrorKind.InvalidData, "MuxlyConnectorResponseInvalid",
                    $"{where}: the records{(options.RecordsPath is null ? string.Empty : $" at '{options.RecordsPath.Text}'")} must be an array or an object, not {SettingReader.Describe(found)}.",
                    options.Redactor.SafeUrl(options.Url));
        }

        return items;
    }
}
