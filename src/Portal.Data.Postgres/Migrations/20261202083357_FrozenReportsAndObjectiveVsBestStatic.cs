using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Data.Postgres.Migrations
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
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "VsBestStaticObjectiveBps",
                table: "RunStrategyResults",
                type: "double precision",
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "VsBestStaticObjectiveCiHighBps",
                table: "RunStrategyResults",
                type: "double precision",
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "VsBestStaticObjectiveCiLowBps",
                table: "RunStrategyResults",
                type: "double precision",
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
