namespace Portal.Agents;
