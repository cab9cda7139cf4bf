using Hangfire;
using Hangfire.Dashboard;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Portal.Application.Agents;
using Portal.Application.Jobs;
using Portal.Application.Reports;
using Portal.Data;
using Portal.Jobs.Runs;

namespace Portal.Jobs.Hosting;

public static class JobsHostingExtensions
{
    public const string Queue = "default";

    /// <summary>
    /// Registers Hangfire storage (in-memory for the embedded SQLite default, PostgreSQL otherwise), the jobs, and — when
    /// this process should execute jobs — a Hangfire server.
    /// </summary>
    public static JobsOptions AddPortalJobs(this IHostApplicationBuilder builder, DatabaseOptions database, bool defaultRunServer)
    {
        var options = builder.Configuration.GetSection(JobsOptions.Section).Get<JobsOptions>() ?? new JobsOptions();
        options.RunServerInProcess ??= defaultRunServer;
        builder.Services.AddSingleton(options);
        // Each host owns its storage instance (never Hangfire's process-wide JobStorage.Current), so several hosts in
        // one process — tests, or a web app next to a worker — cannot enqueue into each other's storage.
        builder.Services.AddSingleton<JobStorage>(_ => database.Provider == DatabaseProvider.Postgres
            ? CreatePostgresStorage(database, options)
            : new Hangfire.InMemory.InMemoryStorage());
        builder.Services.AddHangfire(config => config
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings());
        builder.Services.AddTransient<RunBacktestJob>();
        builder.Services.AddTransient<RunShardJob>();
        builder.Services.AddTransient<QualityDiversity.MapElitesJob>();
        builder.Services.AddRunReportModel();
        builder.Services.AddTransient<Datasets.CalibrateDatasetJob>();
        builder.Services.AddTransient<Agents.TrainAgentJob>();
        builder.Services.AddSingleton<Agents.AgentStrategies>();
        builder.Services.AddSingleton<Portal.Application.Agents.IAgentStrategyLoader>(sp => sp.GetRequiredService<Agents.AgentStrategies>());
        builder.Services.AddSingleton<Portal.Application.Runs.OutOfSampleGuard>();
        builder.Services.AddSingleton<IJobQueue, HangfireJobQueue>();
        builder.Services.AddSingleton(new JobHeartbeat(options.HeartbeatTimeout));
        builder.Services.AddSingleton<IAgentAlgorithmCatalog, Agents.AgentAlgorithmCatalog>();
        if (options.RunServerInProcess == true)
        {
            LibTorchFiles.EnsureShippedForJobs(AppContext.BaseDirectory);
            builder.Services.AddHangfireServer(s =>
            {
                s.WorkerCount = Math.Max(1, options.WorkerCount);
                s.Queues = [Queue];
                s.SchedulePollingInterval = TimeSpan.FromSeconds(options.PollIntervalSeconds);
                s.ServerName = options.WorkerName ?? $"{Environment.MachineName}:{Environment.ProcessId}";
            });
            builder.Services.AddHostedService<JobWatchdog>();
            if (database.Provider == DatabaseProvider.Sqlite)
            {
                // In-memory job storage forgets its queue on restart: put unfinished runs back.
                builder.Services.AddHostedService<RequeueUnfinishedRuns>();
            }
        }
        return options;
    }

    /// <summary>The shared job storage on PostgreSQL; <paramref name="prepareSchema"/> creates or upgrades Hangfire's tables.</summary>
    public static PostgreSqlStorage CreatePostgresStorage(DatabaseOptions database, JobsOptions options, bool prepareSchema = true) =>
        new(new NpgsqlConnectionFactory(database.ConnectionString!, PostgresOptions(options, prepareSchema)), PostgresOptions(options, prepareSchema));

    private static PostgreSqlStorageOptions PostgresOptions(JobsOptions options, bool prepareSchema) => new()
    {
        SchemaName = "hangfire",
        PrepareSchemaIfNecessary = prepareSchema,
        InvisibilityTimeout = TimeSpan.FromSeconds(options.InvisibilityTimeoutSeconds),
        UseSlidingInvisibilityTimeout = true,
        QueuePollInterval = TimeSpan.FromSeconds(options.PollIntervalSeconds),
        DistributedLockTimeout = TimeSpan.FromMinutes(1),
    };

    /// <summary>
    /// Hosts the job dashboard at <paramref name="path"/> for the callers <paramref name="authorize"/> admits (it lists every
    /// team's jobs and their failures).
    /// </summary>
    public static void MapJobsDashboard(this Microsoft.AspNetCore.Routing.IEndpointRouteBuilder endpoints, string path, Func<Microsoft.AspNetCore.Http.HttpContext, Task<bool>> authorize) =>
        endpoints.MapHangfireDashboard(path, new DashboardOptions { AsyncAuthorization = [new DashboardAuthorization(authorize)] });

    private sealed class DashboardAuthorization(Func<Microsoft.AspNetCore.Http.HttpContext, Task<bool>> authorize) : IDashboardAsyncAuthorizationFilter
    {
        public Task<bool> AuthorizeAsync(DashboardContext context) => authorize(context.GetHttpContext());
    }
}
