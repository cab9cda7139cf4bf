using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Data.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class FrozenReportsAndObjectiveVsBestStatic : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ReportJson",
                table: "Runs",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "VsBestStaticObjectiveBps",
                table: "RunStrategyResults",
                type: "REAL",
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "VsBestStaticObjectiveCiHighBps",
                table: "RunStrategyResults",
                type: "REAL",
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "VsBestStaticObjectiveCiLowBps",
                table: "RunStrategyResults",
                type: "REAL",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "ReportJson",
                table: "Runs");

            migrationBuilder.DropColumn(
                name: "VsBestStaticObjectiveBps",
                table: "RunStrategyResults");

            migrationBuilder.DropColumn(
                name: "VsBestStaticObjectiveCiHighBps",
                table: "RunStrategyResults");

            migrationBuilder.DropColumn(
                name: "VsBestStaticObjectiveCiLowBps",
                table: "RunStrategyResults");
        }
    }
}
