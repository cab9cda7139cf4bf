using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Portal.Data.Entities;

namespace Portal.Data;

public sealed class PortalDbContext(DbContextOptions<PortalDbContext> options) : IdentityDbContext<PortalUser>(options), IDataProtectionKeyContext
{
    /// <summary>
    /// The web app's Data Protection keys (login cookies, antiforgery tokens). Kept in the database so that a restart,
    /// a new container or a second web process accepts the cookies the others issued.
    /// </summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    public DbSet<Team> Teams => Set<Team>();
    public DbSet<TeamMember> TeamMembers => Set<TeamMember>();
    public DbSet<ScenarioEntity> Scenarios => Set<ScenarioEntity>();
    public DbSet<Run> Runs => Set<Run>();
    public DbSet<Study> Studies => Set<Study>();
    public DbSet<RunStrategyResult> RunStrategyResults => Set<RunStrategyResult>();
    public DbSet<RunEpisodeResult> RunEpisodeResults => Set<RunEpisodeResult>();
    public DbSet<RunEpisodeBlock> RunEpisodeBlocks => Set<RunEpisodeBlock>();
    public DbSet<RunShard> RunShards => Set<RunShard>();
    public DbSet<RunStrategyPair> RunStrategyPairs => Set<RunStrategyPair>();
    public DbSet<MapElitesRun> MapElitesRuns => Set<MapElitesRun>();
    public DbSet<MapElitesShard> MapElitesShards => Set<MapElitesShard>();
    public DbSet<ApiToken> ApiTokens => Set<ApiToken>();
    public DbSet<Dataset> Datasets => Set<Dataset>();
    public DbSet<DatasetChunk> DatasetChunks => Set<DatasetChunk>();
    public DbSet<MarketProfileEntity> MarketProfiles => Set<MarketProfileEntity>();
    public DbSet<TrainedAgentEntity> TrainedAgents => Set<TrainedAgentEntity>();
    public DbSet<TrainedAgentSeed> TrainedAgentSeeds => Set<TrainedAgentSeed>();
    public DbSet<OfflineDatasetEntity> OfflineDatasets => Set<OfflineDatasetEntity>();
    public DbSet<OfflineDatasetContent> OfflineDatasetContents => Set<OfflineDatasetContent>();

    /// <summary>The per-strategy summary columns of runs stored before <see cref="RunStrategyResult.Summary"/>; kept as
    /// nullable shadow columns so that rows stored before can be upgraded (<see cref="Runs.StrategySummaryUpgrade"/>).</summary>
    internal static readonly IReadOnlyList<(string Name, Type Type)> LegacySummaryColumns =
    [
        ("P5Bps", typeof(double?)), ("P50Bps", typeof(double?)), ("P95Bps", typeof(double?)), ("Cvar95Bps", typeof(double?)),
        ("CostSharpe", typeof(double?)), ("Completion", typeof(double?)), ("MeanShortfallCurrency", typeof(double?)),
        ("VsTwapMeanBps", typeof(double?)), ("VsTwapCiLowBps", typeof(double?)), ("VsTwapCiHighBps", typeof(double?)),
        ("RegretBps", typeof(double?)),
        ("VsBestStaticMeanBps", typeof(double?)), ("VsBestStaticCiLowBps", typeof(double?)), ("VsBestStaticCiHighBps", typeof(double?)),
        ("VsBestStaticObjectiveBps", typeof(double?)), ("VsBestStaticObjectiveCiLowBps", typeof(double?)),
        ("VsBestStaticObjectiveCiHighBps", typeof(double?)),
        ("MeanInventory", typeof(double[])), ("InventoryP5", typeof(double[])), ("InventoryP95", typeof(double[])),
        ("MeanParticipation", typeof(double[])),
        ("ForcedFraction", typeof(double?)), ("UnfilledFraction", typeof(double?)), ("CapBreaches", typeof(long?)),
        ("MaxParticipation", typeof(double?)), ("OpportunityCostBps", typeof(double?)),
    ];

    private static bool SameSummary(RunStrategySummary? a, RunStrategySummary? b) =>
        a is null || b is null ? ReferenceEquals(a, b) : RunStrategySummary.Serialize(a) == RunStrategySummary.Serialize(b);

    private static RunStrategySummary CopyOf(RunStrategySummary? v) =>
        v is null ? null! : RunStrategySummary.Deserialize(RunStrategySummary.Serialize(v));

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);

        builder.Entity<Team>(e =>
        {
            e.Property(t => t.Name).HasMaxLength(100);
            e.HasIndex(t => t.Name);
        });
        builder.Entity<TeamMember>(e =>
        {
            e.HasKey(m => new { m.TeamId, m.UserId });
            e.HasOne(m => m.Team).WithMany(t => t.Members).HasForeignKey(m => m.TeamId);
            e.HasOne(m => m.User).WithMany(u => u.Memberships).HasForeignKey(m => m.UserId);
            e.HasIndex(m => m.UserId);
        });
        builder.Entity<ScenarioEntity>(e =>
        {
            e.ToTable("Scenarios");
            e.Property(s => s.Name).HasMaxLength(200);
            e.HasIndex(s => new { s.TeamId, s.UpdatedUtc });
            e.HasOne<Team>().WithMany().HasForeignKey(s => s.TeamId);
        });
        builder.Entity<Run>(e =>
        {
            e.Property(r => r.ScenarioName).HasMaxLength(200);
            e.Property(r => r.Status).HasConversion<string>().HasMaxLength(16);
            e.HasIndex(r => new { r.TeamId, r.CreatedUtc });
            e.HasIndex(r => r.Status);
            e.Property(r => r.Regime).HasMaxLength(40);
            e.Property(r => r.ImpactFamily).HasMaxLength(40);
            e.Property(r => r.MarketSource).HasMaxLength(80);
            e.HasIndex(r => new { r.TeamId, r.Status, r.IsOutOfSample, r.Regime, r.SizeBucket, r.HorizonBucket });
            // What a team's leaderboard rests on, read per request to tell whether a cached leaderboard is still current.
            e.HasIndex(r => new { r.TeamId, r.Status, r.FinishedUtc, r.CreatedUtc });
            e.Property(r => r.ScenarioHash).HasMaxLength(64);
            e.HasIndex(r => new { r.TeamId, r.ScenarioHash });
            // The runs list filters on the team and sorts or filters on one of these: each has its own index after the team.
            e.Property(r => r.Name).HasMaxLength(200);
            e.Property(r => r.Tags).HasMaxLength(1000);
            e.Property(r => r.Notes).HasMaxLength(4000);
            e.Property(r => r.Side).HasMaxLength(8);
            e.Property(r => r.BestStrategyId).HasMaxLength(200);
            e.Property(r => r.BestStrategyName).HasMaxLength(200);
            e.HasIndex(r => new { r.TeamId, r.Name });
            e.HasIndex(r => new { r.TeamId, r.SizePctAdv });
            e.HasIndex(r => new { r.TeamId, r.HorizonMinutes });
            e.HasIndex(r => new { r.TeamId, r.BestMeanBps });
            e.HasIndex(r => new { r.TeamId, r.TwapMeanBps });
            e.HasIndex(r => new { r.TeamId, r.BestRegretBps });
            e.HasIndex(r => new { r.TeamId, r.DatasetId });
            e.Ignore(r => r.DisplayName);
            e.HasOne<Team>().WithMany().HasForeignKey(r => r.TeamId);
            e.HasIndex(r => new { r.StudyId, r.StudyCell });
            e.HasOne<Study>().WithMany().HasForeignKey(r => r.StudyId).OnDelete(DeleteBehavior.Restrict);
            e.Ignore(r => r.IsFinished);
        });
        builder.Entity<Study>(e =>
        {
            e.Property(s => s.Name).HasMaxLength(150);
            e.Property(s => s.Status).HasConversion<string>().HasMaxLength(16);
            e.HasIndex(s => new { s.TeamId, s.CreatedUtc });
            e.HasOne<Team>().WithMany().HasForeignKey(s => s.TeamId);
        });
        builder.Entity<RunStrategyResult>(e =>
        {
            e.HasKey(s => new { s.RunId, s.Index });
            e.Property(s => s.UnitKind).HasMaxLength(16);
            e.HasOne<Run>().WithMany(r => r.Strategies).HasForeignKey(s => s.RunId).OnDelete(DeleteBehavior.Cascade);
            // Null only on rows stored before the column existed, until Runs.StrategySummaryUpgrade fills it at start-up.
            e.Property(s => s.Summary).IsRequired(false).HasConversion(
                v => RunStrategySummary.Serialize(v),
                v => RunStrategySummary.Deserialize(v),
                new ValueComparer<RunStrategySummary>(
                    (a, b) => SameSummary(a, b),
                    v => v == null ? 0 : RunStrategySummary.Serialize(v).GetHashCode(StringComparison.Ordinal),
                    v => CopyOf(v)));
            // The columns the summary had before it was one JSON column: nullable, no longer written, read once by
            // Runs.StrategySummaryUpgrade to fill Summary on rows stored before.
            foreach (var (name, type) in LegacySummaryColumns)
            {
                if (type == typeof(double[]))
                {
                    e.PrimitiveCollection<double[]?>(name).IsRequired(false);
                }
                else
                {
                    e.Property(type, name).IsRequired(false);
                }
            }
        });
        builder.Entity<RunEpisodeResult>(e =>
        {
            e.HasKey(x => new { x.RunId, x.StrategyIndex, x.Episode });
            e.HasOne<RunStrategyResult>().WithMany().HasForeignKey(x => new { x.RunId, x.StrategyIndex }).OnDelete(DeleteBehavior.Cascade);
        });
        builder.Entity<RunEpisodeBlock>(e =>
        {
            e.HasKey(x => new { x.RunId, x.StrategyIndex, x.FirstEpisode });
            // A shard stores its blocks before the run's strategy rows exist (they are written by the merge): the blocks
            // belong to the run.
            e.HasOne<Run>().WithMany().HasForeignKey(x => x.RunId).OnDelete(DeleteBehavior.Cascade);
        });
        builder.Entity<RunStrategyPair>(e =>
        {
            e.HasKey(x => new { x.RunId, x.IndexA, x.IndexB });
            e.HasOne<Run>().WithMany().HasForeignKey(x => x.RunId).OnDelete(DeleteBehavior.Cascade);
        });
        builder.Entity<RunShard>(e =>
        {
            e.HasKey(x => new { x.RunId, x.Index });
            e.Property(x => x.WorkerName).HasMaxLength(200);
            e.HasOne<Run>().WithMany().HasForeignKey(x => x.RunId).OnDelete(DeleteBehavior.Cascade);
        });
        builder.Entity<MapElitesRun>(e =>
        {
            e.Property(r => r.Name).HasMaxLength(200);
            e.Property(r => r.Status).HasConversion<string>().HasMaxLength(16);
            e.Property(r => r.Workers).HasMaxLength(1000);
            e.HasIndex(r => new { r.TeamId, r.CreatedUtc });
            e.HasOne<Team>().WithMany().HasForeignKey(r => r.TeamId);
            e.Ignore(r => r.IsFinished);
        });
        builder.Entity<MapElitesShard>(e =>
        {
            e.HasKey(x => new { x.RunId, x.Generation, x.Index });
            e.Property(x => x.WorkerName).HasMaxLength(200);
            e.HasOne<MapElitesRun>().WithMany().HasForeignKey(x => x.RunId).OnDelete(DeleteBehavior.Cascade);
        });
        builder.Entity<ApiToken>(e =>
        {
            e.Property(t => t.Hash).HasMaxLength(64);
            e.Property(t => t.Prefix).HasMaxLength(16);
            e.HasIndex(t => t.Hash).IsUnique();
            e.HasOne<Team>().WithMany().HasForeignKey(t => t.TeamId);
        });
        builder.Entity<Dataset>(e =>
        {
            e.Property(d => d.Name).HasMaxLength(200);
            e.Property(d => d.Format).HasMaxLength(16);
            e.Property(d => d.Instrument).HasMaxLength(64);
            e.Property(d => d.ContentHash).HasMaxLength(64);
            e.HasIndex(d => new { d.TeamId, d.ContentHash }).IsUnique();
            e.HasIndex(d => new { d.TeamId, d.CreatedUtc });
            e.HasOne<Team>().WithMany().HasForeignKey(d => d.TeamId);
        });
        builder.Entity<DatasetChunk>(e =>
        {
            e.HasKey(c => new { c.DatasetId, c.Index });
            e.HasOne<Dataset>().WithMany().HasForeignKey(c => c.DatasetId).OnDelete(DeleteBehavior.Cascade);
        });
        builder.Entity<TrainedAgentEntity>(e =>
        {
            e.ToTable("TrainedAgents");
            e.Property(a => a.Name).HasMaxLength(200);
            e.Property(a => a.Algorithm).HasMaxLength(16);
            e.Property(a => a.Status).HasConversion<string>().HasMaxLength(16);
            e.HasIndex(a => new { a.TeamId, a.CreatedUtc });
            e.HasOne<Team>().WithMany().HasForeignKey(a => a.TeamId);
            e.HasOne<OfflineDatasetEntity>().WithMany().HasForeignKey(a => a.OfflineDatasetId).OnDelete(DeleteBehavior.Restrict);
        });
        builder.Entity<TrainedAgentSeed>(e =>
        {
            e.HasKey(s => new { s.AgentId, s.SeedIndex });
            e.HasOne<TrainedAgentEntity>().WithMany().HasForeignKey(s => s.AgentId).OnDelete(DeleteBehavior.Cascade);
        });
        builder.Entity<OfflineDatasetEntity>(e =>
        {
            e.ToTable("OfflineDatasets");
            e.Property(d => d.Name).HasMaxLength(200);
            e.Property(d => d.ScenarioName).HasMaxLength(200);
            e.Property(d => d.Behaviour).HasMaxLength(40);
            e.Property(d => d.Status).HasConversion<string>().HasMaxLength(16);
            e.HasIndex(d => new { d.TeamId, d.CreatedUtc });
            e.HasOne<Team>().WithMany().HasForeignKey(d => d.TeamId);
        });
        builder.Entity<OfflineDatasetContent>(e =>
        {
            e.ToTable("OfflineDatasetContents");
            e.HasKey(c => c.DatasetId);
            e.HasOne<OfflineDatasetEntity>().WithMany().HasForeignKey(c => c.DatasetId).OnDelete(DeleteBehavior.Cascade);
        });
        builder.Entity<MarketProfileEntity>(e =>
        {
            e.ToTable("MarketProfiles");
            e.Property(p => p.Name).HasMaxLength(200);
            e.Property(p => p.Status).HasConversion<string>().HasMaxLength(16);
            e.HasIndex(p => new { p.TeamId, p.CreatedUtc });
            e.HasOne<Dataset>().WithMany().HasForeignKey(p => p.DatasetId).OnDelete(DeleteBehavior.Cascade);
        });
    }
}
