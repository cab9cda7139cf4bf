using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Data.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class RunTrackingAndListColumns : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<double>(
                name: "BestMeanBps",
                table: "Runs",
                type: "REAL",
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "BestRegretBps",
                table: "Runs",
                type: "REAL",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "BestStrategyId",
                table: "Runs",
                type: "TEXT",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "BestStrategyName",
                table: "Runs",
                type: "TEXT",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "DatasetId",
                table: "Runs",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "HorizonMinutes",
                table: "Runs",
                type: "REAL",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Name",
                table: "Runs",
                type: "TEXT",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Notes",
                table: "Runs",
                type: "TEXT",
                maxLength: 4000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Side",
                table: "Runs",
                type: "TEXT",
                maxLength: 8,
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "SizePctAdv",
                table: "Runs",
                type: "REAL",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Tags",
                table: "Runs",
                type: "TEXT",
                maxLength: 1000,
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "TwapMeanBps",
                table: "Runs",
                type: "REAL",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_Runs_TeamId_BestMeanBps",
                table: "Runs",
                columns: new[] { "TeamId", "BestMeanBps" });

            migrationBuilder.CreateIndex(
                name: "IX_Runs_TeamId_BestRegretBps",
                table: "Runs",
                columns: new[] { "TeamId", "BestRegretBps" });

            migrationBuilder.CreateIndex(
                name: "IX_Runs_TeamId_DatasetId",
                table: "Runs",
                columns: new[] { "TeamId", "DatasetId" });

            migrationBuilder.CreateIndex(
                name: "IX_Runs_TeamId_HorizonMinutes",
                table: "Runs",
                columns: new[] { "TeamId", "HorizonMinutes" });

            migrationBuilder.CreateIndex(
                name: "IX_Runs_TeamId_Name",
                table: "Runs",
                columns: new[] { "TeamId", "Name" });

            migrationBuilder.CreateIndex(
                name: "IX_Runs_TeamId_SizePctAdv",
                table: "Runs",
                columns: new[] { "TeamId", "SizePctAdv" });

            migrationBuilder.CreateIndex(
                name: "IX_Runs_TeamId_TwapMeanBps",
                table: "Runs",
                columns: new[] { "TeamId", "TwapMeanBps" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Runs_TeamId_BestMeanBps",
                table: "Runs");

            migrationBuilder.DropIndex(
                name: "IX_Runs_TeamId_BestRegretBps",
                table: "Runs");

            migrationBuilder.DropIndex(
                name: "IX_Runs_TeamId_DatasetId",
                table: "Runs");

            migrationBuilder.DropIndex(
                name: "IX_Runs_TeamId_HorizonMinutes",
                table: "Runs");

            migrationBuilder.DropIndex(
                name: "IX_Runs_TeamId_Name",
                table: "Runs");

            migrationBuilder.DropIndex(
                name: "IX_Runs_TeamId_SizePctAdv",
                table: "Runs");

            migrationBuilder.DropIndex(
                name: "IX_Runs_TeamId_TwapMeanBps",
                table: "Runs");

            migrationBuilder.DropColumn(
                name: "BestMeanBps",
                table: "Runs");

            migrationBuilder.DropColumn(
                name: "BestRegretBps",
                table: "Runs");

            migrationBuilder.DropColumn(
                name: "BestStrategyId",
                table: "Runs");

            migrationBuilder.DropColumn(
                name: "BestStrategyName",
                table: "Runs");

            migrationBuilder.DropColumn(
                name: "DatasetId",
                table: "Runs");

            migrationBuilder.DropColumn(
                name: "HorizonMinutes",
                table: "Runs");

            migrationBuilder.DropColumn(
                name: "Name",
                table: "Runs");

            migrationBuilder.DropColumn(
                name: "Notes",
                table: "Runs");

            migrationBuilder.DropColumn(
                name: "Side",
                table: "Runs");

            migrationBuilder.DropColumn(
                name: "SizePctAdv",
                table: "Runs");

            migrationBuilder.DropColumn(
                name: "Tags",
                table: "Runs");

            migrationBuilder.DropColumn(
                name: "TwapMeanBps",
                table: "Runs");
        }
    }
}
