namespace Portal.Domain;
