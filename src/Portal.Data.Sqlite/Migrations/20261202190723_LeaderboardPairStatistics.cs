using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Data.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class LeaderboardPairStatistics : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "PairsStoredUtc",
                table: "Runs",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "RunStrategyPairs",
                columns: table => new
                {
                    RunId = table.Column<Guid>(type: "TEXT", nullable: false),
                    IndexA = table.Column<int>(type: "INTEGER", nullable: false),
                    IndexB = table.Column<int>(type: "INTEGER", nullable: false),
                    StrategyA = table.Column<string>(type: "TEXT", nullable: false),
                    StrategyB = table.Column<string>(type: "TEXT", nullable: false),
                    Pairs = table.Column<int>(type: "INTEGER", nullable: false),
                    EpisodesA = table.Column<int>(type: "INTEGER", nullable: false),
                    EpisodesB = table.Column<int>(type: "INTEGER", nullable: false),
                    Sum = table.Column<double>(type: "REAL", nullable: false),
                    SumSquares = table.Column<double>(type: "REAL", nullable: false),
                    WeightedVariance = table.Column<double>(type: "REAL", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RunStrategyPairs", x => new { x.RunId, x.IndexA, x.IndexB });
                    table.ForeignKey(
                        name: "FK_RunStrategyPairs_Runs_RunId",
                        column: x => x.RunId,
                        principalTable: "Runs",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Runs_TeamId_Status_FinishedUtc_CreatedUtc",
                table: "Runs",
                columns: new[] { "TeamId", "Status", "FinishedUtc", "CreatedUtc" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "RunStrategyPairs");

            migrationBuilder.DropIndex(
                name: "IX_Runs_TeamId_Status_FinishedUtc_CreatedUtc",
                table: "Runs");

            migrationBuilder.DropColumn(
                name: "PairsStoredUtc",
                table: "Runs");
        }
    }
}
