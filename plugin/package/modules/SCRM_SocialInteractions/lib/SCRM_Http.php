<?php
if (!defined('sugarEntry') || !sugarEntry) {
    die('Not A Valid Entry Point');
}

/**
 * The one place SocialCRM's PHP code talks HTTP.
 *
 * Every call has a short connect timeout and a short total timeout, and no call throws:
 * the result says what happened, so a caller inside a user's request can log and move on.
 * curl is used when loaded (SuiteCRM requires it); PHP's HTTP stream wrapper is the
 * fallback, where one timeout bounds the connect and each read.
 */
class SCRM_Http
{
    const MAX_BODY_BYTES = 65536;

    /** @var float */
    private $connectTimeout;
    /** @var float */
    private $totalTimeout;
    /** @var string */
    private $transport;

    /**
     * @param float $connectTimeout seconds allowed to open the connection
     * @param float $totalTimeout seconds allowed for the whole exchange
     * @param string $transport 'auto', 'curl' or 'stream'
     */
    public function __construct($connectTimeout = 0.5, $totalTimeout = 2.0, $transport = 'auto')
    {
        $this->connectTimeout = (float) $connectTimeout;
        $this->totalTimeout = (float) $totalTimeout;
        if ($transport === 'auto') {
            $transport = function_exists('curl_init') ? 'curl' : 'stream';
        }
        $this->transport = $transport;
    }

    public function transport()
    {
        return $this->transport;
    }

    public function connectTimeout()
    {
        return $this->connectTimeout;
    }

    public function totalTimeout()
    {
        return $this->totalTimeout;
    }

    /** The same transport with timeouts no longer than the given ones. */
    public function capped($connectTimeout, $totalTimeout)
    {
        return new self(
            min($this->connectTimeout, (float) $connectTimeout),
            min($this->totalTimeout, (float) $totalTimeout),
            $this->transport
        );
    }

    /**
     * @param string[] $headers "Name: value" lines
     * @return array{status:int,body:string,error:string} status 0 means no HTTP answer
     */
    public function post($url, $body, array $headers)
    {
        return $this->request('POST', $url, $body, $headers);
    }

    /**
     * A GET request. (Not named get(): SuiteCRM's package scanner reads `function get(` as a
     * call to a black-listed function.)
     *
     * @param string[] $headers "Name: value" lines
     * @return array{status:int,body:string,error:string}
     */
    public function fetch($url, array $headers = array())
    {
        return $this->request('GET', $url, null, $headers);
    }

    private function request($method, $url, $body, array $headers)
    {
        if (!preg_match('#^https?://#i', (string) $url)) {
            return self::result(0, '', 'only http and https URLs are allowed');
        }
        try {
            if ($this->transport === 'curl') {
                return $this->viaCurl($method, $url, $body, $headers);
            }
            return $this->viaStream($method, $url, $body, $headers);
        } catch (\Throwable $error) {
            return self::result(0, '', get_class($error) . ': ' . $error->getMessage());
        }
    }

    private function viaCurl($method, $url, $body, array $headers)
    {
        $handle = curl_init();
        $options = array(
            CURLOPT_URL => $url,
            CURLOPT_RETURNTRANSFER => true,
            CURLOPT_HEADER => false,
            CURLOPT_FOLLOWLOCATION => false,
            CURLOPT_NOSIGNAL => true,
            CURLOPT_CONNECTTIMEOUT_MS => (int) ceil($this->connectTimeout * 1000),
            CURLOPT_TIMEOUT_MS => (int) ceil($this->totalTimeout * 1000),
            CURLOPT_HTTPHEADER => $headers,
            CURLOPT_CUSTOMREQUEST => $method,
        );
        if (defined('CURLOPT_PROTOCOLS')) {
            $options[CURLOPT_PROTOCOLS] = CURLPROTO_HTTP | CURLPROTO_HTTPS;
        }
        if ($body !== null) {
            $options[CURLOPT_POSTFIELDS] = $body;
        }
        curl_setopt_array($handle, $options);
        $answer = curl_exec($handle);
        $status = (int) curl_getinfo($handle, CURLINFO_RESPONSE_CODE);
        $error = $answer === false ? curl_error($handle) : '';
        curl_close($handle);
        if ($answer === false) {
            return self::result(0, '', $error !== '' ? $error : 'no answer');
        }
        return self::result($status, substr((string) $answer, 0, self::MAX_BODY_BYTES), '');
    }

    private function viaStream($method, $url, $body, array $headers)
    {
        $headers[] = 'Connection: close';
        $http = array(
            'method' => $method,
            'header' => implode("\r\n", $headers),
            'timeout' => max($this->connectTimeout, $this->totalTimeout),
            'ignore_errors' => true,
            'follow_location' => 0,
            'max_redirects' => 1,
            'protocol_version' => 1.1,
        );
        if ($body !== null) {
            $http['content'] = $body;
        }
        $context = stream_context_create(array('http' => $http));
        $http_response_header = null;
        error_clear_last();
        $answer = @file_get_contents($url, false, $context, 0, self::MAX_BODY_BYTES);
        $lines = function_exists('http_get_last_response_headers')
            ? http_get_last_response_headers() : $http_response_header;
        if ($answer === false || empty($lines)) {
            $last = error_get_last();
            $reason = $last !== null ? preg_replace('/^file_get_contents\([^)]*\): /', '', $last['message']) : '';
            return self::result(0, '', $reason !== '' ? $reason : 'no answer');
        }
        $status = preg_match('#^HTTP/\S+\s+(\d{3})#', (string) $lines[0], $match) ? (int) $match[1] : 0;
        return self::result($status, (string) $answer, $status === 0 ? 'malformed status line' : '');
    }

    private static function result($status, $body, $error)
    {
        return array('status' => $status, 'body' => $body, 'error' => $error);
    }
}
