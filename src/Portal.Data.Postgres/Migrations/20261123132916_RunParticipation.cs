using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Data.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class RunParticipation : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<double[]>(
                name: "MeanParticipation",
                table: "RunStrategyResults",
                type: "double precision[]",
                nullable: false,
                defaultValue: new double[0]);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "MeanParticipation",
                table: "RunStrategyResults");
        }
    }
}
