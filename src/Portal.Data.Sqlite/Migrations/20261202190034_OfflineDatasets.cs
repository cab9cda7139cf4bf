using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Data.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class OfflineDatasets : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "OfflineDatasetId",
                table: "TrainedAgents",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "OfflineDatasets",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    TeamId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    ScenarioId = table.Column<Guid>(type: "TEXT", nullable: true),
                    ScenarioName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    ScenarioJson = table.Column<string>(type: "TEXT", nullable: false),
                    Behaviour = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    Episodes = table.Column<int>(type: "INTEGER", nullable: false),
                    Seed = table.Column<long>(type: "INTEGER", nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    FailureReason = table.Column<string>(type: "TEXT", nullable: true),
                    Transitions = table.Column<int>(type: "INTEGER", nullable: false),
                    SizeBytes = table.Column<long>(type: "INTEGER", nullable: false),
                    HeaderJson = table.Column<string>(type: "TEXT", nullable: true),
                    CreatedBy = table.Column<string>(type: "TEXT", nullable: false),
                    CreatedUtc = table.Column<DateTime>(type: "TEXT", nullable: false),
                    StartedUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    FinishedUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    Attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    HeartbeatUtc = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_OfflineDatasets", x => x.Id);
                    table.ForeignKey(
                        name: "FK_OfflineDatasets_Teams_TeamId",
                        column: x => x.TeamId,
                        principalTable: "Teams",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "OfflineDatasetContents",
                columns: table => new
                {
                    DatasetId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Content = table.Column<byte[]>(type: "BLOB", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_OfflineDatasetContents", x => x.DatasetId);
                    table.ForeignKey(
                        name: "FK_OfflineDatasetContents_OfflineDatasets_DatasetId",
                        column: x => x.DatasetId,
                        principalTable: "OfflineDatasets",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_TrainedAgents_OfflineDatasetId",
                table: "TrainedAgents",
                column: "OfflineDatasetId");

            migrationBuilder.CreateIndex(
                name: "IX_OfflineDatasets_TeamId_CreatedUtc",
                table: "OfflineDatasets",
                columns: new[] { "TeamId", "CreatedUtc" });

            migrationBuilder.AddForeignKey(
                name: "FK_TrainedAgents_OfflineDatasets_OfflineDatasetId",
                table: "TrainedAgents",
                column: "OfflineDatasetId",
                principalTable: "OfflineDatasets",
                principalColumn: "Id",
                onDelete: ReferentialAction.Restrict);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_TrainedAgents_OfflineDatasets_OfflineDatasetId",
                table: "TrainedAgents");

            migrationBuilder.DropTable(
                name: "OfflineDatasetContents");

            migrationBuilder.DropTable(
                name: "OfflineDatasets");

            migrationBuilder.DropIndex(
                name: "IX_TrainedAgents_OfflineDatasetId",
                table: "TrainedAgents");

            migrationBuilder.DropColumn(
                name: "OfflineDatasetId",
                table: "TrainedAgents");
        }
    }
}
