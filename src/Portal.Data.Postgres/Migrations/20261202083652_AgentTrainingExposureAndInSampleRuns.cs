using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Data.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class AgentTrainingExposureAndInSampleRuns : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "TrainingExposureJson",
                table: "TrainedAgents",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "InSampleReason",
                table: "Runs",
                type: "text",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "TrainingExposureJson",
                table: "TrainedAgents");

            migrationBuilder.DropColumn(
                name: "InSampleReason",
                table: "Runs");
        }
    }
}
