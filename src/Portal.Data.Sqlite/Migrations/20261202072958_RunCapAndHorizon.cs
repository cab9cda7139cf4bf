using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Data.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class RunCapAndHorizon : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "CapBreaches",
                table: "RunStrategyResults",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<double>(
                name: "ForcedFraction",
                table: "RunStrategyResults",
                type: "REAL",
                nullable: false,
                defaultValue: 0.0);

            migrationBuilder.AddColumn<double>(
                name: "MaxParticipation",
                table: "RunStrategyResults",
                type: "REAL",
                nullable: false,
                defaultValue: 0.0);

            migrationBuilder.AddColumn<double>(
                name: "OpportunityCostBps",
                table: "RunStrategyResults",
                type: "REAL",
                nullable: false,
                defaultValue: 0.0);

            migrationBuilder.AddColumn<double>(
                name: "UnfilledFraction",
                table: "RunStrategyResults",
                type: "REAL",
                nullable: false,
                defaultValue: 0.0);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "CapBreaches",
                table: "RunStrategyResults");

            migrationBuilder.DropColumn(
                name: "ForcedFraction",
                table: "RunStrategyResults");

            migrationBuilder.DropColumn(
                name: "MaxParticipation",
                table: "RunStrategyResults");

            migrationBuilder.DropColumn(
                name: "OpportunityCostBps",
                table: "RunStrategyResults");

            migrationBuilder.DropColumn(
                name: "UnfilledFraction",
                table: "RunStrategyResults");
        }
    }
}
