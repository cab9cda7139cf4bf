using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Data.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class AgentSeedProgressAndSeedExposure : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "CurrentSeedIndex",
                table: "TrainedAgents",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "ProgressUtc",
                table: "TrainedAgents",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "SeedProgress",
                table: "TrainedAgents",
                type: "double precision",
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "SeedSecondsLeft",
                table: "TrainedAgents",
                type: "double precision",
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "SeedSecondsTotal",
                table: "TrainedAgents",
                type: "double precision",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "TrainingExposureJson",
                table: "TrainedAgentSeeds",
                type: "text",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "CurrentSeedIndex",
                table: "TrainedAgents");

            migrationBuilder.DropColumn(
                name: "ProgressUtc",
                table: "TrainedAgents");

            migrationBuilder.DropColumn(
                name: "SeedProgress",
                table: "TrainedAgents");

            migrationBuilder.DropColumn(
                name: "SeedSecondsLeft",
                table: "TrainedAgents");

            migrationBuilder.DropColumn(
                name: "SeedSecondsTotal",
                table: "TrainedAgents");

            migrationBuilder.DropColumn(
                name: "TrainingExposureJson",
                table: "TrainedAgentSeeds");
        }
    }
}
