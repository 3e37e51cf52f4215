"""Every setting of the service, read from HWCHECK_* environment variables (or a .env file)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HWCHECK_", env_file=".env", extra="ignore")

    data_dir: Path = Path("hwcheck-data")
    """Where the default SQLite database lives (created on first start)."""
    database_url: str | None = None
    """SQLAlchemy URL; default `sqlite:///<data_dir>/hwcheck.db`. PostgreSQL:
    `postgresql+psycopg://user@host:5432/dbname`."""
    instructor_token: SecretStr | None = None
    """A bootstrap instructor's bearer token (answer keys, courses, rosters). Instructors made
    with `hwcheck admin create-instructor` have their own tokens, stored hashed."""
    auto_migrate: bool = True
    """Apply pending migrations when the app starts. `hwcheck serve` migrates once itself and
    turns this off for its workers, so two workers never race on the schema."""
    assignments_file: Path | None = None
    """TOML file of assignments (which problems, what each is worth); default the packaged
    service/assignments.toml with hw1 and hw2."""
    host: str = "127.0.0.1"
    port: int = 8000

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'hwcheck.db').resolve()}"


@lru_cache
def get_settings() -> Settings:
    return Settings()
