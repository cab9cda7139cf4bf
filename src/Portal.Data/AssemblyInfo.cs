namespace Portal.Data;
