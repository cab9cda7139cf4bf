using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Data.Sqlite.Migrations
{
    /// <summary>
    /// An index for every sort key of the runs list in each direction, in the list's full order (the key, then newest
    /// first, then the id), so a sorted page reads the team's runs in order and stops after the page instead of sorting
    /// every matching run. Keys that put runs without a value last in both directions lead with <c>IS NULL</c>, as
    /// <c>RunListQuery</c> sorts them. Created in SQL: EF Core's model has no expression indexes; the text is the same on
    /// both providers. The newest-first list is served by <c>IX_Runs_TeamId_CreatedUtc</c>.
    /// </summary>
    public partial class RunListSortIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""CREATE INDEX "IX_Runs_Sort_Side_Asc" ON "Runs" ("TeamId", ("Side" IS NULL), "Side", "CreatedUtc" DESC, "Id");""");
            migrationBuilder.Sql("""CREATE INDEX "IX_Runs_Sort_Side_Desc" ON "Runs" ("TeamId", ("Side" IS NULL), "Side" DESC, "CreatedUtc" DESC, "Id");""");
            migrationBuilder.Sql("""CREATE INDEX "IX_Runs_Sort_SizePctAdv_Asc" ON "Runs" ("TeamId", ("SizePctAdv" IS NULL), "SizePctAdv", "CreatedUtc" DESC, "Id");""");
            migrationBuilder.Sql("""CREATE INDEX "IX_Runs_Sort_SizePctAdv_Desc" ON "Runs" ("TeamId", ("SizePctAdv" IS NULL), "SizePctAdv" DESC, "CreatedUtc" DESC, "Id");""");
            migrationBuilder.Sql("""CREATE INDEX "IX_Runs_Sort_HorizonMinutes_Asc" ON "Runs" ("TeamId", ("HorizonMinutes" IS NULL), "HorizonMinutes", "CreatedUtc" DESC, "Id");""");
            migrationBuilder.Sql("""CREATE INDEX "IX_Runs_Sort_HorizonMinutes_Desc" ON "Runs" ("TeamId", ("HorizonMinutes" IS NULL), "HorizonMinutes" DESC, "CreatedUtc" DESC, "Id");""");
            migrationBuilder.Sql("""CREATE INDEX "IX_Runs_Sort_BestStrategyName_Asc" ON "Runs" ("TeamId", ("BestStrategyName" IS NULL), "BestStrategyName", "CreatedUtc" DESC, "Id");""");
            migrationBuilder.Sql("""CREATE INDEX "IX_Runs_Sort_BestStrategyName_Desc" ON "Runs" ("TeamId", ("BestStrategyName" IS NULL), "BestStrategyName" DESC, "CreatedUtc" DESC, "Id");""");
            migrationBuilder.Sql("""CREATE INDEX "IX_Runs_Sort_BestMeanBps_Asc" ON "Runs" ("TeamId", ("BestMeanBps" IS NULL), "BestMeanBps", "CreatedUtc" DESC, "Id");""");
            migrationBuilder.Sql("""CREATE INDEX "IX_Runs_Sort_BestMeanBps_Desc" ON "Runs" ("TeamId", ("BestMeanBps" IS NULL), "BestMeanBps" DESC, "CreatedUtc" DESC, "Id");""");
            migrationBuilder.Sql("""CREATE INDEX "IX_Runs_Sort_TwapMeanBps_Asc" ON "Runs" ("TeamId", ("TwapMeanBps" IS NULL), "TwapMeanBps", "CreatedUtc" DESC, "Id");""");
            migrationBuilder.Sql("""CREATE INDEX "IX_Runs_Sort_TwapMeanBps_Desc" ON "Runs" ("TeamId", ("TwapMeanBps" IS NULL), "TwapMeanBps" DESC, "CreatedUtc" DESC, "Id");""");
            migrationBuilder.Sql("""CREATE INDEX "IX_Runs_Sort_BestRegretBps_Asc" ON "Runs" ("TeamId", ("BestRegretBps" IS NULL), "BestRegretBps", "CreatedUtc" DESC, "Id");""");
            migrationBuilder.Sql("""CREATE INDEX "IX_Runs_Sort_BestRegretBps_Desc" ON "Runs" ("TeamId", ("BestRegretBps" IS NULL), "BestRegretBps" DESC, "CreatedUtc" DESC, "Id");""");
            migrationBuilder.Sql("""CREATE INDEX "IX_Runs_Sort_FinishedUtc_Asc" ON "Runs" ("TeamId", ("FinishedUtc" IS NULL), "FinishedUtc", "CreatedUtc" DESC, "Id");""");
            migrationBuilder.Sql("""CREATE INDEX "IX_Runs_Sort_FinishedUtc_Desc" ON "Runs" ("TeamId", ("FinishedUtc" IS NULL), "FinishedUtc" DESC, "CreatedUtc" DESC, "Id");""");
            migrationBuilder.Sql("""CREATE INDEX "IX_Runs_Sort_Name_Asc" ON "Runs" ("TeamId", "Name", "CreatedUtc" DESC, "Id");""");
            migrationBuilder.Sql("""CREATE INDEX "IX_Runs_Sort_Name_Desc" ON "Runs" ("TeamId", "Name" DESC, "CreatedUtc" DESC, "Id");""");
            migrationBuilder.Sql("""CREATE INDEX "IX_Runs_Sort_Status_Asc" ON "Runs" ("TeamId", "Status", "CreatedUtc" DESC, "Id");""");
            migrationBuilder.Sql("""CREATE INDEX "IX_Runs_Sort_Status_Desc" ON "Runs" ("TeamId", "Status" DESC, "CreatedUtc" DESC, "Id");""");
            migrationBuilder.Sql("""CREATE INDEX "IX_Runs_Sort_Regime_Asc" ON "Runs" ("TeamId", "Regime", "CreatedUtc" DESC, "Id");""");
            migrationBuilder.Sql("""CREATE INDEX "IX_Runs_Sort_Regime_Desc" ON "Runs" ("TeamId", "Regime" DESC, "CreatedUtc" DESC, "Id");""");
            migrationBuilder.Sql("""CREATE INDEX "IX_Runs_Sort_ImpactFamily_Asc" ON "Runs" ("TeamId", "ImpactFamily", "CreatedUtc" DESC, "Id");""");
            migrationBuilder.Sql("""CREATE INDEX "IX_Runs_Sort_ImpactFamily_Desc" ON "Runs" ("TeamId", "ImpactFamily" DESC, "CreatedUtc" DESC, "Id");""");
            migrationBuilder.Sql("""CREATE INDEX "IX_Runs_Sort_MarketSource_Asc" ON "Runs" ("TeamId", "MarketSource", "CreatedUtc" DESC, "Id");""");
            migrationBuilder.Sql("""CREATE INDEX "IX_Runs_Sort_MarketSource_Desc" ON "Runs" ("TeamId", "MarketSource" DESC, "CreatedUtc" DESC, "Id");""");
            migrationBuilder.Sql("""CREATE INDEX "IX_Runs_Sort_Episodes_Asc" ON "Runs" ("TeamId", "Episodes", "CreatedUtc" DESC, "Id");""");
            migrationBuilder.Sql("""CREATE INDEX "IX_Runs_Sort_Episodes_Desc" ON "Runs" ("TeamId", "Episodes" DESC, "CreatedUtc" DESC, "Id");""");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""DROP INDEX "IX_Runs_Sort_Side_Asc";""");
            migrationBuilder.Sql("""DROP INDEX "IX_Runs_Sort_Side_Desc";""");
            migrationBuilder.Sql("""DROP INDEX "IX_Runs_Sort_SizePctAdv_Asc";""");
            migrationBuilder.Sql("""DROP INDEX "IX_Runs_Sort_SizePctAdv_Desc";""");
            migrationBuilder.Sql("""DROP INDEX "IX_Runs_Sort_HorizonMinutes_Asc";""");
            migrationBuilder.Sql("""DROP INDEX "IX_Runs_Sort_HorizonMinutes_Desc";""");
            migrationBuilder.Sql("""DROP INDEX "IX_Runs_Sort_BestStrategyName_Asc";""");
            migrationBuilder.Sql("""DROP INDEX "IX_Runs_Sort_BestStrategyName_Desc";""");
            migrationBuilder.Sql("""DROP INDEX "IX_Runs_Sort_BestMeanBps_Asc";""");
            migrationBuilder.Sql("""DROP INDEX "IX_Runs_Sort_BestMeanBps_Desc";""");
            migrationBuilder.Sql("""DROP INDEX "IX_Runs_Sort_TwapMeanBps_Asc";""");
            migrationBuilder.Sql("""DROP INDEX "IX_Runs_Sort_TwapMeanBps_Desc";""");
            migrationBuilder.Sql("""DROP INDEX "IX_Runs_Sort_BestRegretBps_Asc";""");
            migrationBuilder.Sql("""DROP INDEX "IX_Runs_Sort_BestRegretBps_Desc";""");
            migrationBuilder.Sql("""DROP INDEX "IX_Runs_Sort_FinishedUtc_Asc";""");
            migrationBuilder.Sql("""DROP INDEX "IX_Runs_Sort_FinishedUtc_Desc";""");
            migrationBuilder.Sql("""DROP INDEX "IX_Runs_Sort_Name_Asc";""");
            migrationBuilder.Sql("""DROP INDEX "IX_Runs_Sort_Name_Desc";""");
            migrationBuilder.Sql("""DROP INDEX "IX_Runs_Sort_Status_Asc";""");
            migrationBuilder.Sql("""DROP INDEX "IX_Runs_Sort_Status_Desc";""");
            migrationBuilder.Sql("""DROP INDEX "IX_Runs_Sort_Regime_Asc";""");
            migrationBuilder.Sql("""DROP INDEX "IX_Runs_Sort_Regime_Desc";""");
            migrationBuilder.Sql("""DROP INDEX "IX_Runs_Sort_ImpactFamily_Asc";""");
            migrationBuilder.Sql("""DROP INDEX "IX_Runs_Sort_ImpactFamily_Desc";""");
            migrationBuilder.Sql("""DROP INDEX "IX_Runs_Sort_MarketSource_Asc";""");
            migrationBuilder.Sql("""DROP INDEX "IX_Runs_Sort_MarketSource_Desc";""");
            migrationBuilder.Sql("""DROP INDEX "IX_Runs_Sort_Episodes_Asc";""");
            migrationBuilder.Sql("""DROP INDEX "IX_Runs_Sort_Episodes_Desc";""");
        }
    }
}
