using System.Net;

namespace Gatehouse.OAuth.SignIn;

/// <summary>The shell of the few pages a person sees at the authorization endpoint: plain, readable, framed by no one.</summary>
internal static class Html
{
    public static string Encode(string? text) => WebUtility.HtmlEncode(text ?? "");

    public static string Page(string title, string body) => $$"""
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{Encode(title)}} · Gatehouse</title>
        <style>
          body { font: 16px/1.5 system-ui, sans-serif; color: #1b1b1f; background: #f4f5f7; margin: 0; }
          main { max-width: 36rem; margin: 4rem auto; background: #fff; border: 1px solid #d6d8de; border-radius: 8px; padding: 2rem 2.5rem; }
          h1 { font-size: 1.4rem; margin: 0 0 1rem; }
          dl { display: grid; grid-template-columns: 11rem 1fr; gap: .5rem 1rem; margin: 1.5rem 0; }
          dt { color: #5b5e66; } dd { margin: 0; overflow-wrap: anywhere; }
          code { font-size: .9em; background: #f0f1f4; padding: 0 .25em; border-radius: 3px; }
          .note { color: #5b5e66; font-size: .9rem; }
          .warn { background: #fff4e5; border: 1px solid #f0c27b; padding: .75rem 1rem; border-radius: 6px; }
          .actions { display: flex; gap: 1rem; margin-top: 1.5rem; }
          button { font: inherit; padding: .5rem 1.5rem; border-radius: 6px; border: 1px solid #8a8d96; background: #fff; cursor: pointer; }
          button.primary { background: #0f5cc0; border-color: #0f5cc0; color: #fff; }
          :root { color-scheme: light dark; }
          /* The console's dark palette (Fluent's dark layers, its light-blue accent), when the system is dark. */
          @media (prefers-color-scheme: dark) {
            body { color: #f0f0f0; background: #1f1f1f; }
            main { background: #292929; border-color: #3d3d3d; }
            dt, .note { color: #adadad; }
            code { background: #383838; color: #9cdcfe; }
            a { color: #60cdff; }
            .warn { background: #3d2e13; border-color: #8a6a2f; color: #f6dba8; }
            input { background: #1f1f1f; color: #f0f0f0; border: 1px solid #666; border-radius: 4px; }
            button { background: #2b2b2b; color: #f0f0f0; border-color: #666; }
            button.primary { background: #60cdff; border-color: #60cdff; color: #000; }
          }
        </style></head>
        <body><main>{{body}}</main></body></html>
        """;
}
