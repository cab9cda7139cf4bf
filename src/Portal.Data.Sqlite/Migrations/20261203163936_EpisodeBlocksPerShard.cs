using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Data.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class EpisodeBlocksPerShard : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_RunEpisodeBlocks_RunStrategyResults_RunId_StrategyIndex",
                table: "RunEpisodeBlocks");

            migrationBuilder.DropPrimaryKey(
                name: "PK_RunEpisodeBlocks",
                table: "RunEpisodeBlocks");

            migrationBuilder.AddColumn<int>(
                name: "FirstEpisode",
                table: "RunEpisodeBlocks",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddPrimaryKey(
                name: "PK_RunEpisodeBlocks",
                table: "RunEpisodeBlocks",
                columns: new[] { "RunId", "StrategyIndex", "FirstEpisode" });

            migrationBuilder.AddForeignKey(
                name: "FK_RunEpisodeBlocks_Runs_RunId",
                table: "RunEpisodeBlocks",
                column: "RunId",
                principalTable: "Runs",
                principalColumn: "Id",
                onDelete: ReferentialAction.Cascade);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_RunEpisodeBlocks_Runs_RunId",
                table: "RunEpisodeBlocks");

            migrationBuilder.DropPrimaryKey(
                name: "PK_RunEpisodeBlocks",
                table: "RunEpisodeBlocks");

            migrationBuilder.DropColumn(
                name: "FirstEpisode",
                table: "RunEpisodeBlocks");

            migrationBuilder.AddPrimaryKey(
                name: "PK_RunEpisodeBlocks",
                table: "RunEpisodeBlocks",
                columns: new[] { "RunId", "StrategyIndex" });

            migrationBuilder.AddForeignKey(
                name: "FK_RunEpisodeBlocks_RunStrategyResults_RunId_StrategyIndex",
                table: "RunEpisodeBlocks",
                columns: new[] { "RunId", "StrategyIndex" },
                principalTable: "RunStrategyResults",
                principalColumns: new[] { "RunId", "Index" },
                onDelete: ReferentialAction.Cascade);
        }
    }
}
