using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Data.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class RunParticipation : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "MeanParticipation",
                table: "RunStrategyResults",
                type: "TEXT",
                nullable: false,
                defaultValue: "[]");
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
