global using Portal.Application.Teams;
