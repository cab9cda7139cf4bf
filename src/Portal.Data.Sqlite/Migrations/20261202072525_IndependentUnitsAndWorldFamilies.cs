using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Data.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class IndependentUnitsAndWorldFamilies : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ImpactFamily",
                table: "Runs",
                type: "TEXT",
                maxLength: 40,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "MarketSource",
                table: "Runs",
                type: "TEXT",
                maxLength: 80,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AlterColumn<double>(
                name: "CostSharpe",
                table: "RunStrategyResults",
                type: "REAL",
                nullable: true,
                oldClrType: typeof(double),
                oldType: "REAL");

            migrationBuilder.AddColumn<int>(
                name: "IndependentUnits",
                table: "RunStrategyResults",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "UnitKind",
                table: "RunStrategyResults",
                type: "TEXT",
                maxLength: 16,
                nullable: false,
                defaultValue: "");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "ImpactFamily",
                table: "Runs");

            migrationBuilder.DropColumn(
                name: "MarketSource",
                table: "Runs");

            migrationBuilder.DropColumn(
                name: "IndependentUnits",
                table: "RunStrategyResults");

            migrationBuilder.DropColumn(
                name: "UnitKind",
                table: "RunStrategyResults");

            migrationBuilder.AlterColumn<double>(
                name: "CostSharpe",
                table: "RunStrategyResults",
                type: "REAL",
                nullable: false,
                defaultValue: 0.0,
                oldClrType: typeof(double),
                oldType: "REAL",
                oldNullable: true);
        }
    }
}
