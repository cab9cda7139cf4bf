namespace Portal.Web.Api;

/// <summary>
/// What an error status without a body looks like. A browser asking for a page (a GET that accepts <c>text/html</c>,
/// outside <c>/api</c>) gets the status page in the portal's layout with the original status code (an unknown address,
/// the operators-only jobs dashboard); the HTTP API and everything else keep JSON problem details.
/// </summary>
public static class StatusPages
{
    /// <summary>The page that renders a status for browsers; <c>{0}</c> is the status code.</summary>
    public const string PagePath = "/status/{0}";

    /// <summary>True for a browser's request of a page: a GET or HEAD outside <c>/api</c> whose Accept header names HTML.</summary>
    public static bool IsBrowserPage(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return !ApiErrors.IsApi(context)
            && (HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method))
            && context.Request.Headers.Accept.Any(a => a is not null && a.Contains("text/html", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Adds the status pages and then routing: a re-executed request must be routed again to reach the page,
    /// which it cannot when routing ran before (the host otherwise puts it first in the pipeline).</summary>
    public static void UsePortalStatusPages(this WebApplication app)
    {
        app.UseWhen(IsBrowserPage, pages => pages.UseStatusCodePagesWithReExecute(PagePath));
        app.UseWhen(c => !IsBrowserPage(c), other => other.UseStatusCodePages());
        app.UseRouting();
    }
}
