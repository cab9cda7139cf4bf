using Portal.Jobs.Cli;

namespace Portal.Jobs;

public static class Program
{
    public static Task<int> Main(string[] args) => PortalCommandLine.InvokeAsync(args);
}
