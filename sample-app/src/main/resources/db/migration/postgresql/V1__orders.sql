create table orders (
    id         bigserial primary key,
    customer   varchar(100)   not null,
    amount     numeric(12, 2) not null,
    created_at timestamptz default now(),
    updated_at timestamptz
);
