//! The one function that creates every file the program writes (the database, a backup): mode
//! 0660 whatever the umask, never through a symlink and never over an existing file
//! (`O_CREAT|O_EXCL|O_NOFOLLOW`), with errors that say which part of the path is wrong. A backup
//! holds personal data: it needs write permission like any other write and leaves an audit event.

use std::fs::File;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::Path;

use chrono::Utc;
use serde_json::json;

use super::commands::audit;
use super::Store;
use crate::error::{Error, Result};

/// The mode of every file the program creates: owner and group may read and write.
pub const FILE_MODE: u32 = 0o660;

/// Creates `path` as a new, empty file with mode [`FILE_MODE`]; an existing file or symlink
/// (even a dangling one) at `path` is an error, as is a missing directory.
pub fn create_new_file(path: &Path) -> Result<File> {
    let f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(FILE_MODE)
        .custom_flags(nix::libc::O_NOFOLLOW | nix::libc::O_CLOEXEC)
        .open(path)
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => Error::Invalid(crate::msg!(
                "{} exists (or is a symlink); choose a new file",
                "{} 已存在（或是符号链接）；请另选一个新文件";
                path.display()
            )),
            std::io::ErrorKind::NotFound => {
                let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
                Error::Io(crate::msg!(
                    "cannot create {}: the directory {} does not exist",
                    "无法创建 {}：目录 {} 不存在";
                    path.display(),
                    dir.display()
                ))
            }
            _ => Error::Io(crate::msg!("cannot create {}: {e}", "无法创建 {}：{e}"; path.display())),
        })?;
    // The umask may have taken group bits away: set the mode exactly.
    f.set_permissions(std::fs::Permissions::from_mode(FILE_MODE)).map_err(|e| {
        Error::Io(crate::msg!("cannot set permissions on {}: {e}", "无法设置 {} 的权限：{e}"; path.display()))
    })?;
    Ok(f)
}

impl Store {
    /// A consistent online copy to `dest` (VACUUM INTO), safe while desks are running: `dest`
    /// is created by [`create_new_file`] (0660, no symlinks, no overwrite), the copy is checked
    /// to have gone into that very file, and an audit event `backup` names the destination.
    /// Needs write access to the database, like any write.
    pub fn backup(&mut self, dest: &Path) -> Result<()> {
        self.writable()?;
        let d = dest
            .to_str()
            .ok_or_else(|| Error::Invalid(crate::msg!("the backup path is not UTF-8", "备份路径不是 UTF-8")))?;
        let file = create_new_file(dest)?;
        let fail = |e: Error| {
            let _ = std::fs::remove_file(dest);
            e
        };
        self.conn.execute("VACUUM INTO ?1", [d]).map_err(|e| fail(Error::from(e)))?;
        let ours = file.metadata().map_err(|e| Error::Io(crate::msg!("{}: {e}", "{}：{e}"; dest.display())))?;
        let now = std::fs::symlink_metadata(dest)
            .map_err(|e| Error::Io(crate::msg!("{}: {e}", "{}：{e}"; dest.display())))?;
        if (ours.dev(), ours.ino()) != (now.dev(), now.ino()) {
            return Err(Error::Io(crate::msg!(
                "{} was replaced while the backup was written",
                "写备份期间 {} 被替换";
                dest.display()
            )));
        }
        let tx = self.begin()?;
        audit(&tx, Utc::now(), &self.actor, "backup", None, &json!({ "dest": d }))?;
        tx.commit()?;
        Ok(())
    }
}

/// Which file a path names: its device and inode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileId {
    dev: u64,
    ino: u64,
}

impl FileId {
    /// The file at `path` now, `None` when there is none.
    pub fn of(path: &Path) -> Option<FileId> {
        std::fs::metadata(path).ok().map(|m| FileId { dev: m.dev(), ino: m.ino() })
    }
}

impl Store {
    /// The database file this store's path names now.
    pub fn file_id(&self) -> Option<FileId> {
        FileId::of(&self.path)
    }

    /// Checks that the path still names the file opened as `opened`; when it was replaced or
    /// deleted, the store stops writing (every later write is refused) and the error says so.
    pub fn check_file(&mut self, opened: FileId) -> Result<()> {
        if self.file_id() == Some(opened) {
            return Ok(());
        }
        self.read_only = true;
        Err(Error::Db(crate::msg!(
            "database file replaced or deleted; writing stopped (restart to open {})",
            "数据库文件已被替换或删除；已停止写入（重新启动以打开 {}）";
            self.path.display()
        )))
    }
}
