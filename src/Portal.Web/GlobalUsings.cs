global using Portal.Application.Common;
global using Portal.Application.Teams;
global using Portal.Application.Scenarios;
global using Portal.Application.Agents;
global using Portal.Application.Runs;
global using Portal.Application.Studies;
