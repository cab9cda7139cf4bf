using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Data.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class PackedEpisodeBlocks : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "RunEpisodeBlocks",
                columns: table => new
                {
                    RunId = table.Column<Guid>(type: "uuid", nullable: false),
                    StrategyIndex = table.Column<int>(type: "integer", nullable: false),
                    Count = table.Column<int>(type: "integer", nullable: false),
                    Data = table.Column<byte[]>(type: "bytea", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RunEpisodeBlocks", x => new { x.RunId, x.StrategyIndex });
                    table.ForeignKey(
                        name: "FK_RunEpisodeBlocks_RunStrategyResults_RunId_StrategyIndex",
                        columns: x => new { x.RunId, x.StrategyIndex },
                        principalTable: "RunStrategyResults",
                        principalColumns: new[] { "RunId", "Index" },
                        onDelete: ReferentialAction.Cascade);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "RunEpisodeBlocks");
        }
    }
}
