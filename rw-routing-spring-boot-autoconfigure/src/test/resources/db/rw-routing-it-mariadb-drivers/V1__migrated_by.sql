create table if not exists migrated_by (
    driver varchar(64) primary key
);
insert into migrated_by (driver) values ('${driver}');
