using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Data.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class BestStatic : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Warnings",
                table: "Runs",
                type: "TEXT",
                nullable: false,
                defaultValue: "[]");

            migrationBuilder.AddColumn<double>(
                name: "VsBestStaticCiHighBps",
                table: "RunStrategyResults",
                type: "REAL",
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "VsBestStaticCiLowBps",
                table: "RunStrategyResults",
                type: "REAL",
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "VsBestStaticMeanBps",
                table: "RunStrategyResults",
                type: "REAL",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Warnings",
                table: "Runs");

            migrationBuilder.DropColumn(
                name: "VsBestStaticCiHighBps",
                table: "RunStrategyResults");

            migrationBuilder.DropColumn(
                name: "VsBestStaticCiLowBps",
                table: "RunStrategyResults");

            migrationBuilder.DropColumn(
                name: "VsBestStaticMeanBps",
                table: "RunStrategyResults");
        }
    }
}
