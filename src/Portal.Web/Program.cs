var builder = WebApplication.CreateBuilder(args);
var app = builder.Build();
app.MapGet("/", () => "Execution Lab");
app.Run();

public partial class Program;
