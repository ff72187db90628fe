create table notes (
    id bigint auto_increment primary key,
    text varchar(200) not null
);
