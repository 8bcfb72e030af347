using Gatehouse.Demo.Catalog;
using Gatehouse.Demo.Data;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;

namespace Gatehouse.Demo.Resources;

/// <summary>Answers resources/read for every URI and URI template in the catalog.</summary>
internal sealed class ListmonkResources
{
    private readonly List<(UriPattern Pattern, ResourceReader Reader)> _routes;

    public ListmonkResources(
        ListmonkCatalog catalog, SubscriberStore subscribers, MailingListStore lists, CampaignStore campaigns, TemplateStore templates)
    {
        var readers = new Dictionary<string, ResourceReader>(StringComparer.Ordinal)
        {
            ["listmonk://subscriber/{subscriber_id}"] = uri => ResourceBody.Json(subscribers.Get(uri.Id("subscriber_id"))),
            ["listmonk://subscriber/email/{email}"] = uri => ResourceBody.Json(subscribers.GetByEmail(uri.Text("email"))),
            ["listmonk://subscribers"] = _ => ResourceBody.Json(subscribers.All()),
            ["listmonk://campaigns"] = _ => ResourceBody.Json(campaigns.All()),
            ["listmonk://campaign/{campaign_id}"] = uri => ResourceBody.Json(campaigns.Get(uri.Id("campaign_id"))),
            ["listmonk://campaign/{campaign_id}/preview"] = uri => ResourceBody.Html(campaigns.Preview(uri.Id("campaign_id"))),
            ["listmonk://lists"] = _ => ResourceBody.Json(lists.All()),
            ["listmonk://list/{list_id}"] = uri => ResourceBody.Json(lists.Get(uri.Id("list_id"))),
            ["listmonk://list/{list_id}/subscribers"] = uri => ResourceBody.Json(subscribers.OfList(uri.Id("list_id"), Page.All).Subscribers),
            ["listmonk://templates"] = _ => ResourceBody.Json(templates.All()),
            ["listmonk://template/{template_id}"] = uri => ResourceBody.Json(templates.Get(uri.Id("template_id"))),
            ["listmonk://template/{template_id}/preview"] = uri => ResourceBody.Html(templates.Body(uri.Id("template_id"))),
        };

        var advertised = catalog.Resources.Select(resource => resource.Uri)
            .Concat(catalog.ResourceTemplates.Select(template => template.UriTemplate))
            .ToHashSet(StringComparer.Ordinal);
        if (!advertised.SetEquals(readers.Keys))
        {
            throw new InvalidOperationException(
                $"Resource readers and the catalog disagree: advertised without reader [{string.Join(", ", advertised.Except(readers.Keys))}], " +
                $"read without being advertised [{string.Join(", ", readers.Keys.Except(advertised))}].");
        }

        _routes = [.. readers.Select(reader => (new UriPattern(reader.Key), reader.Value))];
    }

    /// <param name="uri">The URI the client asked for.</param>
    /// <param name="notFound">
    /// The error code for a URI that names nothing: protocol revisions disagree on it, so the caller
    /// picks it from the session's negotiated version.
    /// </param>
    public ReadResourceResult Read(string uri, McpErrorCode notFound)
    {
        foreach (var (pattern, reader) in _routes)
        {
            if (pattern.Match(uri) is not { } variables)
            {
                continue;
            }

            try
            {
                var body = reader(variables);
                return new ReadResourceResult
                {
                    Contents = [new TextResourceContents { Uri = uri, MimeType = body.MimeType, Text = body.Text }],
                };
            }
            catch (DemoNotFoundException missing)
            {
                throw new McpProtocolException(missing.Message, notFound);
            }
            catch (DemoInputException invalid)
            {
                throw new McpProtocolException(invalid.Message, McpErrorCode.InvalidParams);
            }
        }

        throw new McpProtocolException($"Unknown resource URI: '{uri}'", notFound);
    }
}
