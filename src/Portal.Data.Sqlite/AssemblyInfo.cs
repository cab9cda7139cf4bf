namespace Portal.Data.Sqlite;
