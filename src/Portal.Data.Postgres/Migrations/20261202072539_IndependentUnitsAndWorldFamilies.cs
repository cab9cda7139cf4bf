using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Data.Postgres.Migrations
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
                type: "character varying(40)",
                maxLength: 40,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "MarketSource",
                table: "Runs",
                type: "character varying(80)",
                maxLength: 80,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AlterColumn<double>(
                name: "CostSharpe",
                table: "RunStrategyResults",
                type: "double precision",
                nullable: true,
                oldClrType: typeof(double),
                oldType: "double precision");

            migrationBuilder.AddColumn<int>(
                name: "IndependentUnits",
                table: "RunStrategyResults",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "UnitKind",
                table: "RunStrategyResults",
                type: "character varying(16)",
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
                type: "double precision",
                nullable: false,
                defaultValue: 0.0,
                oldClrType: typeof(double),
                oldType: "double precision",
                oldNullable: true);
        }
    }
}
