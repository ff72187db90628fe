create table orders (
    id         bigint auto_increment primary key,
    customer   varchar(100)   not null,
    amount     decimal(12, 2) not null,
    -- timestamp: an instant, stored in UTC and shown in the session's time zone (like timestamptz)
    created_at timestamp(6) null default current_timestamp(6),
    updated_at timestamp(6) null
);
