namespace Portal.Data.Postgres;
