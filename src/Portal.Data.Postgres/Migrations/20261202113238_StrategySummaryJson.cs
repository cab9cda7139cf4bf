using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Data.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class StrategySummaryJson : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterColumn<double>(
                name: "UnfilledFraction",
                table: "RunStrategyResults",
                type: "double precision",
                nullable: true,
                oldClrType: typeof(double),
                oldType: "double precision");

            migrationBuilder.AlterColumn<double>(
                name: "P95Bps",
                table: "RunStrategyResults",
                type: "double precision",
                nullable: true,
                oldClrType: typeof(double),
                oldType: "double precision");

            migrationBuilder.AlterColumn<double>(
                name: "P5Bps",
                table: "RunStrategyResults",
                type: "double precision",
                nullable: true,
                oldClrType: typeof(double),
                oldType: "double precision");

            migrationBuilder.AlterColumn<double>(
                name: "P50Bps",
                table: "RunStrategyResults",
                type: "double precision",
                nullable: true,
                oldClrType: typeof(double),
                oldType: "double precision");

            migrationBuilder.AlterColumn<double>(
                name: "OpportunityCostBps",
                table: "RunStrategyResults",
                type: "double precision",
                nullable: true,
                oldClrType: typeof(double),
                oldType: "double precision");

            migrationBuilder.AlterColumn<double>(
                name: "MeanShortfallCurrency",
                table: "RunStrategyResults",
                type: "double precision",
                nullable: true,
                oldClrType: typeof(double),
                oldType: "double precision");

            migrationBuilder.AlterColumn<double[]>(
                name: "MeanParticipation",
                table: "RunStrategyResults",
                type: "double precision[]",
                nullable: true,
                oldClrType: typeof(double[]),
                oldType: "double precision[]");

            migrationBuilder.AlterColumn<double[]>(
                name: "MeanInventory",
                table: "RunStrategyResults",
                type: "double precision[]",
                nullable: true,
                oldClrType: typeof(double[]),
                oldType: "double precision[]");

            migrationBuilder.AlterColumn<double>(
                name: "MaxParticipation",
                table: "RunStrategyResults",
                type: "double precision",
                nullable: true,
                oldClrType: typeof(double),
                oldType: "double precision");

            migrationBuilder.AlterColumn<double[]>(
                name: "InventoryP95",
                table: "RunStrategyResults",
                type: "double precision[]",
                nullable: true,
                oldClrType: typeof(double[]),
                oldType: "double precision[]");

            migrationBuilder.AlterColumn<double[]>(
                name: "InventoryP5",
                table: "RunStrategyResults",
                type: "double precision[]",
                nullable: true,
                oldClrType: typeof(double[]),
                oldType: "double precision[]");

            migrationBuilder.AlterColumn<double>(
                name: "ForcedFraction",
                table: "RunStrategyResults",
                type: "double precision",
                nullable: true,
                oldClrType: typeof(double),
                oldType: "double precision");

            migrationBuilder.AlterColumn<double>(
                name: "Cvar95Bps",
                table: "RunStrategyResults",
                type: "double precision",
                nullable: true,
                oldClrType: typeof(double),
                oldType: "double precision");

            migrationBuilder.AlterColumn<double>(
                name: "Completion",
                table: "RunStrategyResults",
                type: "double precision",
                nullable: true,
                oldClrType: typeof(double),
                oldType: "double precision");

            migrationBuilder.AlterColumn<long>(
                name: "CapBreaches",
                table: "RunStrategyResults",
                type: "bigint",
                nullable: true,
                oldClrType: typeof(long),
                oldType: "bigint");

            migrationBuilder.AddColumn<string>(
                name: "Summary",
                table: "RunStrategyResults",
                type: "text",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Summary",
                table: "RunStrategyResults");

            migrationBuilder.AlterColumn<double>(
                name: "UnfilledFraction",
                table: "RunStrategyResults",
                type: "double precision",
                nullable: false,
                defaultValue: 0.0,
                oldClrType: typeof(double),
                oldType: "double precision",
                oldNullable: true);

            migrationBuilder.AlterColumn<double>(
                name: "P95Bps",
                table: "RunStrategyResults",
                type: "double precision",
                nullable: false,
                defaultValue: 0.0,
                oldClrType: typeof(double),
                oldType: "double precision",
                oldNullable: true);

            migrationBuilder.AlterColumn<double>(
                name: "P5Bps",
                table: "RunStrategyResults",
                type: "double precision",
                nullable: false,
                defaultValue: 0.0,
                oldClrType: typeof(double),
                oldType: "double precision",
                oldNullable: true);

            migrationBuilder.AlterColumn<double>(
                name: "P50Bps",
                table: "RunStrategyResults",
                type: "double precision",
                nullable: false,
                defaultValue: 0.0,
                oldClrType: typeof(double),
                oldType: "double precision",
                oldNullable: true);

            migrationBuilder.AlterColumn<double>(
                name: "OpportunityCostBps",
                table: "RunStrategyResults",
                type: "double precision",
                nullable: false,
                defaultValue: 0.0,
                oldClrType: typeof(double),
                oldType: "double precision",
                oldNullable: true);

            migrationBuilder.AlterColumn<double>(
                name: "MeanShortfallCurrency",
                table: "RunStrategyResults",
                type: "double precision",
                nullable: false,
                defaultValue: 0.0,
                oldClrType: typeof(double),
                oldType: "double precision",
                oldNullable: true);

            migrationBuilder.AlterColumn<double[]>(
                name: "MeanParticipation",
                table: "RunStrategyResults",
                type: "double precision[]",
                nullable: false,
                defaultValue: new double[0],
                oldClrType: typeof(double[]),
                oldType: "double precision[]",
                oldNullable: true);

            migrationBuilder.AlterColumn<double[]>(
                name: "MeanInventory",
                table: "RunStrategyResults",
                type: "double precision[]",
                nullable: false,
                defaultValue: new double[0],
                oldClrType: typeof(double[]),
                oldType: "double precision[]",
                oldNullable: true);

            migrationBuilder.AlterColumn<double>(
                name: "MaxParticipation",
                table: "RunStrategyResults",
                type: "double precision",
                nullable: false,
                defaultValue: 0.0,
                oldClrType: typeof(double),
                oldType: "double precision",
                oldNullable: true);

            migrationBuilder.AlterColumn<double[]>(
                name: "InventoryP95",
                table: "RunStrategyResults",
                type: "double precision[]",
                nullable: false,
                defaultValue: new double[0],
                oldClrType: typeof(double[]),
                oldType: "double precision[]",
                oldNullable: true);

            migrationBuilder.AlterColumn<double[]>(
                name: "InventoryP5",
                table: "RunStrategyResults",
                type: "double precision[]",
                nullable: false,
                defaultValue: new double[0],
                oldClrType: typeof(double[]),
                oldType: "double precision[]",
                oldNullable: true);

            migrationBuilder.AlterColumn<double>(
                name: "ForcedFraction",
                table: "RunStrategyResults",
                type: "double precision",
                nullable: false,
                defaultValue: 0.0,
                oldClrType: typeof(double),
                oldType: "double precision",
                oldNullable: true);

            migrationBuilder.AlterColumn<double>(
                name: "Cvar95Bps",
                table: "RunStrategyResults",
                type: "double precision",
                nullable: false,
                defaultValue: 0.0,
                oldClrType: typeof(double),
                oldType: "double precision",
                oldNullable: true);

            migrationBuilder.AlterColumn<double>(
                name: "Completion",
                table: "RunStrategyResults",
                type: "double precision",
                nullable: false,
                defaultValue: 0.0,
                oldClrType: typeof(double),
                oldType: "double precision",
                oldNullable: true);

            migrationBuilder.AlterColumn<long>(
                name: "CapBreaches",
                table: "RunStrategyResults",
                type: "bigint",
                nullable: false,
                defaultValue: 0L,
                oldClrType: typeof(long),
                oldType: "bigint",
                oldNullable: true);
        }
    }
}
