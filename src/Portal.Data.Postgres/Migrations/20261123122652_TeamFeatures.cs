using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Data.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class TeamFeatures : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "HorizonBucket",
                table: "Runs",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<bool>(
                name: "IsOutOfSample",
                table: "Runs",
                type: "boolean",
                nullable: false,
                defaultValue: true);

            migrationBuilder.AddColumn<string>(
                name: "Regime",
                table: "Runs",
                type: "character varying(40)",
                maxLength: 40,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "ScenarioHash",
                table: "Runs",
                type: "character varying(64)",
                maxLength: 64,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<int>(
                name: "SizeBucket",
                table: "Runs",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.CreateIndex(
                name: "IX_Runs_TeamId_ScenarioHash",
                table: "Runs",
                columns: new[] { "TeamId", "ScenarioHash" });

            migrationBuilder.CreateIndex(
                name: "IX_Runs_TeamId_Status_IsOutOfSample_Regime_SizeBucket_HorizonB~",
                table: "Runs",
                columns: new[] { "TeamId", "Status", "IsOutOfSample", "Regime", "SizeBucket", "HorizonBucket" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Runs_TeamId_ScenarioHash",
                table: "Runs");

            migrationBuilder.DropIndex(
                name: "IX_Runs_TeamId_Status_IsOutOfSample_Regime_SizeBucket_HorizonB~",
                table: "Runs");

            migrationBuilder.DropColumn(
                name: "HorizonBucket",
                table: "Runs");

            migrationBuilder.DropColumn(
                name: "IsOutOfSample",
                table: "Runs");

            migrationBuilder.DropColumn(
                name: "Regime",
                table: "Runs");

            migrationBuilder.DropColumn(
                name: "ScenarioHash",
                table: "Runs");

            migrationBuilder.DropColumn(
                name: "SizeBucket",
                table: "Runs");
        }
    }
}
