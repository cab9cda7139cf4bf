using Portal.Data;
using Portal.Jobs.Hosting;
using Portal.Web;

var builder = WebApplication.CreateBuilder(args);
var database = builder.AddPortalData();
builder.AddPortalJobs(database, defaultRunServer: database.Provider == DatabaseProvider.Sqlite);
builder.AddPortalWeb();

var app = builder.Build();
await app.PreparePortalAsync();
app.UsePortalWeb();
if (app.Services.GetRequiredService<PortalOptions>().Dashboard)
{
    app.MapJobsDashboard("/hangfire", Portal.Web.Auth.OperatorAccess.IsOperatorAsync);
}
app.Run();

public partial class Program;
