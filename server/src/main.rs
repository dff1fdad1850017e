use std::process::ExitCode;

use app::accounts::invitations::{invite, CreateUserError, Invitation};
use app::accounts::Role;
use app::audit::Actor;
use app::demo::national;
use app::operations::backup;
use clap::Parser;
use server::config::{DemoCommand, LogFormat, UserCommand};
use server::{Application, Cli, Command, Config};
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let logs = tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")));
    match cli.log_format {
        // One object per line, the event's fields beside its message, for a log collector.
        LogFormat::Json => logs.json().flatten_event(true).init(),
        // Colours for a terminal only: a log file or a journal gets plain lines.
        LogFormat::Text => logs.with_ansi(std::io::IsTerminal::is_terminal(&std::io::stdout())).init(),
    }
    match run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            // One line, so that a wrong setting is obvious in any log.
            eprintln!("ecars: {}", message.replace('\n', " "));
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<(), String> {
    let config = Config::from_cli(&cli).map_err(|e| e.to_string())?;
    app::db::set_agency_time_zone(config.time_zone);
    match cli.command.unwrap_or(Command::Serve) {
        Command::Migrate => {
            server::startup::open_database(&config).await.map_err(|e| e.to_string())?;
            tracing::info!(database = %config.database, "migrations applied");
            Ok(())
        }
        Command::User(UserCommand::Add { email, role, entities, agency }) => {
            let role = Role::parse(&role).ok_or("--role must be establishment, referent, admin or national-admin")?;
            let db = server::startup::open_database(&config).await.map_err(|e| e.to_string())?;
            let (outbox, mail) = server::startup::mail_services(&config, db.clone()).map_err(|e| e.to_string())?;
            let hashing = server::startup::password_hashing();
            let agency_id = match agency {
                Some(name) => Some(
                    app::agencies::service::find_by_name(&db, &name)
                        .await
                        .map_err(|e| e.to_string())?
                        .ok_or_else(|| CreateUserError::UnknownAgency(name).to_string())?
                        .id,
                ),
                None => None,
            };
            let invitation = Invitation { email: &email, role, finesses: &entities, agency_id };
            let user = invite(&db, &hashing, &outbox, &config.public_url, &Actor::command_line(), invitation)
                .await
                .map_err(|e| e.to_string())?;
            // Delivered now if the mail server answers; otherwise the running portal retries it.
            let sent = mail.deliver_due().await.unwrap_or(0);
            let invitation = if sent > 0 { "emailed" } else { "queued in the outbox (the portal will retry it)" };
            println!("account {} created ({}); the initial password was {invitation}", user.email, role.as_str());
            Ok(())
        }
        Command::Backup { dir } => {
            let db = server::startup::open_database(&config).await.map_err(|e| e.to_string())?;
            let store = server::startup::command_documents(&config, true).await.map_err(|e| e.to_string())?;
            let saved = backup::backup(&db, &store, &dir).await.map_err(|e| e.to_string())?;
            let database = match saved.database_included {
                true => "the database and ",
                false => "(the database is PostgreSQL's: save it with pg_dump, before this) ",
            };
            println!(
                "backup written to {}: {database}{} document(s), {} bytes",
                dir.display(),
                saved.documents,
                saved.document_bytes
            );
            Ok(())
        }
        Command::Restore { dir, overwrite } => {
            let database = backup::put_back_database(config.database.as_str(), &dir, overwrite)
                .await
                .map_err(|e| e.to_string())?;
            // A backup of an earlier version is brought up to this one's schema.
            let db = server::startup::open_database(&config).await.map_err(|e| e.to_string())?;
            let store = server::startup::command_documents(&config, false).await.map_err(|e| e.to_string())?;
            let restored = backup::put_back_documents(&db, &store, &dir).await.map_err(|e| e.to_string())?;
            println!(
                "backup {} restored: {}{} document(s) written, {} already stored",
                dir.display(),
                if database { "the database, " } else { "" },
                restored.documents_written,
                restored.documents_present
            );
            Ok(())
        }
        Command::Demo(DemoCommand::Generate { entities, years, last_day, region }) => {
            let db = server::startup::open_database(&config).await.map_err(|e| e.to_string())?;
            let hashing = server::startup::password_hashing();
            app::demo::load(&db, &hashing).await.map_err(|e| e.to_string())?;
            let hash = hashing.hash(national::GENERATED_PASSWORD).await.map_err(|e| e.to_string())?;
            let started = std::time::Instant::now();
            let report = |done: national::Generated| {
                let seconds = started.elapsed().as_secs_f64();
                format!(
                    "{} entities, {} evaluations, {} answers in {seconds:.0} s",
                    done.entities, done.evaluations, done.answers
                )
            };
            let mut shown = 0;
            let size = national::Size { entities, years, last_day, region };
            let done = national::generate(&db, size, &hash, |done| {
                // A line every tenth of the way: the command runs for minutes.
                if done.entities * 10 / entities > shown {
                    shown = done.entities * 10 / entities;
                    println!("{}", report(done));
                }
            })
            .await
            .map_err(|e| e.to_string())?;
            println!("generated: {} ({} tree nodes)", report(done), done.indicators);
            Ok(())
        }
        Command::Serve => {
            let app = Application::build(config).await.map_err(|e| e.to_string())?;
            tracing::info!("e-CARS listening on http://{}", app.address());
            app.run_until_stopped().await.map_err(|e| format!("server stopped: {e}"))
        }
    }
}
