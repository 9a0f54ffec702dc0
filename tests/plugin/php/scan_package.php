<?php
/*
 * What SuiteCRM's package scanner says about the package, re-implemented from
 * ModuleInstall/ModuleScanner.php (scanFile and its lists). With
 * $sugar_config['moduleInstaller']['packageScan'] on, any issue stops the installation.
 *
 * scanFile reads each PHP file's tokens and reports:
 * - a backtick;
 * - eval;
 * - a call through a variable: `$name(` and also `$object->$name(` (the variable is the last
 *   token before the parenthesis);
 * - a name from the function black list followed by `(`: a call, and equally a declaration
 *   such as `function get(` (only `->name(` and `::name(` count as method calls, checked
 *   against the much shorter method black list);
 * - `new` of a black-listed class.
 * Files must also have one of the allowed extensions.
 *
 * usage: php scan_package.php <package dir>
 * prints {"issues": [{"file": ..., "kind": ..., "name": ...}, ...]}
 */

require __DIR__ . '/stubs.php';

const SCAN_VALID_EXTENSIONS = array('png', 'gif', 'jpg', 'css', 'js', 'php', 'txt', 'html', 'htm', 'tpl', 'pdf', 'md5', 'xml', 'hbs');
const SCAN_CLASS_BLACK_LIST = array(
    'reflection', 'reflectionclass', 'reflectionzendextension', 'reflectionextension', 'reflectionfunction',
    'reflectionfunctionabstract', 'reflectionmethod', 'reflectionobject', 'reflectionparameter', 'reflectionproperty',
    'reflector', 'reflectionexception', 'lua', 'ziparchive', 'splfileinfo', 'splfileobject', 'pclzip',
);
const SCAN_METHOD_BLACK_LIST = array('setlevel');
const SCAN_FUNCTION_BLACK_LIST = array(
    'popen', 'proc_open', 'escapeshellarg', 'escapeshellcmd', 'proc_close', 'proc_get_status', 'proc_nice', 'passthru',
    'clearstatcache', 'disk_free_space', 'disk_total_space', 'diskfreespace', 'dir', 'fclose', 'feof', 'fflush', 'fgetc',
    'fgetcsv', 'fgets', 'fgetss', 'file_exists', 'file_get_contents', 'filesize', 'filetype', 'flock', 'fnmatch',
    'fpassthru', 'fputcsv', 'fputs', 'fread', 'fscanf', 'fseek', 'fstat', 'ftell', 'ftruncate', 'fwrite', 'glob',
    'is_dir', 'is_file', 'is_link', 'is_readable', 'is_uploaded_file', 'opendir', 'parse_ini_string', 'pathinfo',
    'pclose', 'readfile', 'readlink', 'realpath_cache_get', 'realpath_cache_size', 'realpath', 'rewind', 'readdir',
    'set_file_buffer', 'tmpfile', 'umask', 'ini_set', 'set_time_limit', 'eval', 'exec', 'system', 'shell_exec',
    'chgrp', 'chmod', 'chwown', 'file_put_contents', 'file', 'fileatime', 'filectime', 'filegroup', 'fileinode',
    'filemtime', 'fileowner', 'fileperms', 'fopen', 'is_executable', 'is_writable', 'is_writeable', 'lchgrp', 'lchown',
    'linkinfo', 'lstat', 'mkdir', 'mkdir_recursive', 'parse_ini_file', 'rmdir', 'rmdir_recursive', 'stat', 'tempnam',
    'touch', 'unlink', 'getimagesize', 'call_user_func', 'call_user_func_array', 'create_function', 'copy',
    'copy_recursive', 'link', 'rename', 'symlink', 'move_uploaded_file', 'chdir', 'chroot', 'create_cache_directory',
    'mk_temp_dir', 'write_array_to_file', 'write_encoded_file', 'create_custom_directory', 'sugar_rename',
    'sugar_chown', 'sugar_fopen', 'sugar_mkdir', 'sugar_file_put_contents', 'sugar_file_put_contents_atomic',
    'sugar_chgrp', 'sugar_chmod', 'sugar_touch', 'consume', 'array_diff_uassoc', 'array_diff_ukey', 'array_filter',
    'array_intersect_uassoc', 'array_intersect_ukey', 'array_map', 'array_reduce', 'array_udiff_assoc',
    'array_udiff_uassoc', 'array_udiff', 'array_uintersect_assoc', 'array_uintersect_uassoc', 'array_uintersect',
    'array_walk_recursive', 'array_walk', 'uasort', 'uksort', 'usort', 'eio_busy', 'eio_chmod', 'eio_chown',
    'eio_close', 'eio_custom', 'eio_dup2', 'eio_fallocate', 'eio_fchmod', 'eio_fchown', 'eio_fdatasync', 'eio_fstat',
    'eio_fstatvfs', 'eio_fsync', 'eio_ftruncate', 'eio_futime', 'eio_grp', 'eio_link', 'eio_lstat', 'eio_mkdir',
    'eio_mknod', 'eio_nop', 'eio_open', 'eio_read', 'eio_readahead', 'eio_readdir', 'eio_readlink', 'eio_realpath',
    'eio_rename', 'eio_rmdir', 'eio_sendfile', 'eio_stat', 'eio_statvfs', 'eio_symlink', 'eio_sync_file_range',
    'eio_sync', 'eio_syncfs', 'eio_truncate', 'eio_unlink', 'eio_utime', 'eio_write', 'set_error_handler',
    'set_exception_handler', 'fdf_enum_values', 'forward_static_call_array', 'forward_static_call',
    'register_shutdown_function', 'register_tick_function', 'setclientcallback', 'setcompletecallback',
    'setdatacallback', 'setexceptioncallback', 'setfailcallback', 'setstatuscallback', 'setwarningcallback',
    'setworkloadcallback', 'addfunction', 'ibase_set_event_handler', 'ldap_set_rebind_proc',
    'libxml_set_external_entity_loader', 'mailparse_msg_extract_part_file', 'mailparse_msg_extract_part',
    'mailparse_msg_extract_whole_part_file', 'addserver', 'setserverparams', 'get', 'getbykey', 'getdelayed',
    'getdelayedbykey', 'set_local_infile_handler', 'header_register_callback', 'newt_entry_set_filter',
    'newt_set_suspend_callback', 'consumerhandler', 'timestampnoncehandler', 'tokenhandler', 'ob_start',
    'pcntl_signal', 'preg_replace_callback', 'sqlitecreateaggregate', 'sqlitecreatefunction',
    'sqlite_create_aggregate', 'sqlite_create_function', 'open', 'readline_callback_handler_install',
    'readline_completion_function', 'session_set_save_handler', 'construct', 'iterator_apply', 'spl_autoload_register',
    'sybase_set_message_handler', 'is_callable', 'xml_set_character_data_handler', 'xml_set_default_handler',
    'xml_set_element_handler', 'xml_set_end_namespace_decl_handler', 'xml_set_external_entity_ref_handler',
    'xml_set_notation_decl_handler', 'xml_set_processing_instruction_handler', 'xml_set_start_namespace_decl_handler',
    'xml_set_unparsed_entity_decl_handler', 'simplexml_load_file', 'simplexml_load_string', 'unzip', 'unzip_file',
);

/** ModuleScanner::scanFile for one file's source. */
function scan_source($source)
{
    $issues = array();
    $check = false;
    $possible = null;
    $last = null;
    foreach (token_get_all($source) as $token) {
        if (is_string($token)) {
            if ($token === '`') {
                $issues[] = array('kind' => 'backtick', 'name' => '`');
            }
            if ($token === '(' && $check) {
                $issues[] = $possible;
            }
            $check = false;
            $possible = null;
            continue;
        }
        list($type, $text) = $token;
        if ($type === T_WHITESPACE) {
            continue;
        }
        if ($type === T_EVAL) {
            $issues[] = array('kind' => 'function', 'name' => 'eval');
        } elseif ($type === T_VARIABLE) {
            $check = true;
            $possible = array('kind' => 'variable call', 'name' => $text);
        } elseif ($type === T_STRING) {
            $name = strtolower($text);
            $check = false;
            if ($last !== null && $last[0] === T_NEW) {
                $check = in_array($name, SCAN_CLASS_BLACK_LIST, true);
                $possible = array('kind' => 'class', 'name' => $name);
            } elseif ($last !== null && ($last[0] === T_OBJECT_OPERATOR || $last[0] === T_DOUBLE_COLON)) {
                if (in_array($name, SCAN_METHOD_BLACK_LIST, true)) {
                    $issues[] = array('kind' => 'method', 'name' => $name);
                }
            } elseif (in_array($name, SCAN_FUNCTION_BLACK_LIST, true)) {
                $check = true;
                $possible = array('kind' => 'function', 'name' => $name);
            }
        } else {
            $check = false;
            $possible = null;
        }
        $last = $token;
    }
    return $issues;
}

$root = rtrim($argv[1], '/');
$issues = array();
$walk = new RecursiveIteratorIterator(new RecursiveDirectoryIterator($root, FilesystemIterator::SKIP_DOTS));
foreach ($walk as $path => $info) {
    $file = substr($path, strlen($root) + 1);
    $extension = strtolower(pathinfo($file, PATHINFO_EXTENSION));
    if (!in_array($extension, SCAN_VALID_EXTENSIONS, true)) {
        $issues[] = array('file' => $file, 'kind' => 'extension', 'name' => $extension);
        continue;
    }
    $source = file_get_contents($path);
    if (stripos($source, '<?php') === false) {
        continue;
    }
    foreach (scan_source($source) as $issue) {
        $issues[] = array('file' => $file) + $issue;
    }
}
usort($issues, function ($a, $b) {
    return strcmp(json_encode($a), json_encode($b));
});
scrm_test_output(array('issues' => $issues));
