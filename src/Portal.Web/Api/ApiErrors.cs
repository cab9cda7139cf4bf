using Microsoft.AspNetCore.Diagnostics;

namespace Portal.Web.Api;

/// <summary>
/// Unhandled failures of the HTTP API answer JSON problem details with their status, whatever the method. The pages'
/// error page is a Blazor page that answers GET and POST only: re-executing it for a failed PUT or DELETE answered 405,
/// hiding the real failure from scripts.
/// </summary>
public static class ApiErrors
{
    public static bool IsApi(HttpContext context) => context.Request.Path.StartsWithSegments("/api");

    /// <summary>API requests get problem details (in every environment); everything else the error page outside Development.</summary>
    public static void UsePortalErrorHandling(this WebApplication app)
    {
        app.UseWhen(IsApi, api => api.UseExceptionHandler(new ExceptionHandlerOptions
        {
            StatusCodeSelector = StatusFor,
            ExceptionHandler = WriteProblemAsync,
        }));
        if (!app.Environment.IsDevelopment())
        {
            app.UseWhen(c => !IsApi(c), pages => pages.UseExceptionHandler("/error", createScopeForErrors: true));
        }
    }

    private static int StatusFor(Exception exception) => exception switch
    {
        BadHttpRequestException bad => bad.StatusCode,
        Portal.Domain.Backtesting.InSampleEvaluationException => StatusCodes.Status400BadRequest,
        OperationCanceledException => StatusCodes.Status499ClientClosedRequest,
        _ => StatusCodes.Status500InternalServerError,
    };

    private static async Task WriteProblemAsync(HttpContext context)
    {
        var exception = context.Features.Get<IExceptionHandlerFeature>()?.Error;
        var status = exception is null ? StatusCodes.Status500InternalServerError : StatusFor(exception);
        context.Response.StatusCode = status;
        var detail = exception switch
        {
            BadHttpRequestException bad => bad.Message,
            // An agent would be scored on data it trained on: the message names the agent and the overlapping range.
            Portal.Domain.Backtesting.InSampleEvaluationException inSample => inSample.Message,
            _ => "The request failed on the server; the error has been logged.",
        };
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = exception,
            ProblemDetails =
            {
                Status = status,
                Title = Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status),
                Detail = detail,
                Extensions = { ["traceId"] = context.TraceIdentifier },
            },
        });
    }
}
