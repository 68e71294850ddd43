package integration

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/cairn-sfn/cairn/engine"
	"github.com/cairn-sfn/cairn/value"
)

// HTTPConfig configures HTTP Tasks (arn:aws:states:::http:invoke).
type HTTPConfig struct {
	// Connections are the EventBridge connections tasks name in
	// Authentication.ConnectionArn, keyed by ARN or connection name.
	Connections map[string]Connection
	// Allow, when not empty, limits calls to these hosts ("api.example.com",
	// "*.example.com") and networks ("10.0.0.0/8", "192.0.2.7"); a host
	// name matches before resolution, an address after. Empty: any host
	// Deny does not refuse.
	Allow []string
	// Deny refuses these hosts and networks, checked on every address the
	// name resolves to (and again on redirects).
	Deny []string
	// AllowLinkLocal lets calls reach 169.254.0.0/16 and fe80::/10, where
	// cloud metadata services live; refused by default.
	AllowLinkLocal bool
	// Timeout bounds one call; default 60s, the HTTP Task's limit on AWS.
	Timeout time.Duration
	// MaxResponse caps the response body read, in bytes; default 10 MiB
	// (the result's 256 KiB limit is the interpreter's to enforce).
	MaxResponse int64
	// Resolver resolves host names; nil: net.DefaultResolver.
	Resolver *net.Resolver
}

// HTTP runs HTTP Tasks.
type HTTP struct {
	cfg    HTTPConfig
	allow  hostRules
	deny   hostRules
	client *http.Client
	tokens tokenCache
	now    func() time.Time
}

var _ engine.Invoker = (*HTTP)(nil)

// NewHTTP checks cfg and builds the HTTP Task invoker.
func NewHTTP(cfg HTTPConfig) (*HTTP, error) {
	if cfg.Timeout <= 0 {
		cfg.Timeout = 60 * time.Second
	}
	if cfg.MaxResponse <= 0 {
		cfg.MaxResponse = 10 << 20
	}
	if cfg.Resolver == nil {
		cfg.Resolver = net.DefaultResolver
	}
	h := &HTTP{cfg: cfg, now: time.Now}
	var err error
	if h.allow, err = parseHostRules(cfg.Allow); err != nil {
		return nil, fmt.Errorf("http allow list: %w", err)
	}
	if h.deny, err = parseHostRules(cfg.Deny); err != nil {
		return nil, fmt.Errorf("http deny list: %w", err)
	}
	if !cfg.AllowLinkLocal {
		h.deny.nets = append(h.deny.nets, netip.MustParsePrefix("169.254.0.0/16"), netip.MustParsePrefix("fe80::/10"))
	}
	for name, c := range cfg.Connections {
		if err := c.validate(); err != nil {
			return nil, fmt.Errorf("connection %s: %w", name, err)
		}
	}
	dialer := &net.Dialer{Timeout: 10 * time.Second}
	transport := &http.Transport{
		Proxy: nil, // a proxy would bypass the address checks
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			return h.dial(ctx, dialer, network, addr)
		},
		ForceAttemptHTTP2:   true,
		MaxIdleConnsPerHost: 8,
		IdleConnTimeout:     90 * time.Second,
	}
	h.client = &http.Client{Transport: transport, Timeout: cfg.Timeout}
	return h, nil
}

// hostRules are host names and networks.
type hostRules struct {
	names []string // exact, or "*.suffix"
	nets  []netip.Prefix
}

func parseHostRules(list []string) (hostRules, error) {
	var r hostRules
	for _, s := range list {
		s = strings.TrimSpace(strings.ToLower(s))
		if s == "" {
			continue
		}
		if p, err := netip.ParsePrefix(s); err == nil {
			r.nets = append(r.nets, p.Masked())
			continue
		}
		if a, err := netip.ParseAddr(s); err == nil {
			r.nets = append(r.nets, netip.PrefixFrom(a, a.BitLen()))
			continue
		}
		if strings.ContainsAny(s, "/:") {
			return r, fmt.Errorf("%q is neither a host name nor a network", s)
		}
		r.names = append(r.names, s)
	}
	return r, nil
}

func (r hostRules) empty() bool { return len(r.names) == 0 && len(r.nets) == 0 }

func (r hostRules) matchName(host string) bool {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	for _, n := range r.names {
		if n == host || (strings.HasPrefix(n, "*.") && strings.HasSuffix(host, n[1:])) {
			return true
		}
	}
	return false
}

func (r hostRules) matchAddr(a netip.Addr) bool {
	a = a.Unmap()
	for _, p := range r.nets {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// refusedError is a call the allow and deny lists forbid.
type refusedError struct{ host, why string }

func (e *refusedError) Error() string {
	return fmt.Sprintf("Cairn refuses to call %s: %s", e.host, e.why)
}

// dial resolves the host and connects only to addresses the lists allow,
// so that a name cannot smuggle a forbidden address past them.
func (h *HTTP) dial(ctx context.Context, d *net.Dialer, network, addr string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	if h.deny.matchName(host) {
		return nil, &refusedError{host, "the host is on the deny list"}
	}
	nameAllowed := h.allow.empty() || h.allow.matchName(host)
	var addrs []netip.Addr
	if a, err := netip.ParseAddr(host); err == nil {
		addrs = []netip.Addr{a}
	} else {
		ips, err := h.cfg.Resolver.LookupNetIP(ctx, "ip", host)
		if err != nil {
			return nil, err
		}
		addrs = ips
	}
	var lastErr error
	for _, a := range addrs {
		if h.deny.matchAddr(a) {
			lastErr = &refusedError{host, fmt.Sprintf("its address %s is denied", a)}
			continue
		}
		if !nameAllowed && !h.allow.matchAddr(a) {
			lastErr = &refusedError{host, "neither the host nor its address " + a.String() + " is on the allow list"}
			continue
		}
		c, err := d.DialContext(ctx, network, net.JoinHostPort(a.Unmap().String(), port))
		if err == nil {
			return c, nil
		}
		lastErr = err
	}
	if lastErr == nil {
		lastErr = fmt.Errorf("no address for %s", host)
	}
	return nil, lastErr
}

// httpFailure is a task failure before any response came.
func httpFailure(name, format string, args ...any) error {
	return &engine.TaskError{Name: name, Cause: fmt.Sprintf(format, args...)}
}

// Invoke calls the API the task's parameters describe.
func (h *HTTP) Invoke(ctx context.Context, task engine.Task) (any, error) {
	p, _ := task.Input.(*value.Object)
	if p == nil {
		return nil, httpFailure("States.Runtime", "http:invoke needs an object of parameters with ApiEndpoint and Method")
	}
	endpoint, _ := getString(p, "ApiEndpoint")
	method, _ := getString(p, "Method")
	if endpoint == "" || method == "" {
		return nil, httpFailure("States.Runtime", "http:invoke needs ApiEndpoint and Method")
	}
	method = strings.ToUpper(method)
	u, err := url.Parse(endpoint)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, httpFailure("States.Runtime", "ApiEndpoint %q is not an http(s) URL", endpoint)
	}

	var conn *Connection
	connKey := ""
	if auth, ok := p.Get("Authentication"); ok {
		ao, _ := auth.(*value.Object)
		arn, _ := getString(ao, "ConnectionArn")
		if arn != "" {
			c, key, ok := h.connection(arn)
			if !ok {
				return nil, httpFailure("States.Runtime", "Cairn has no connection %s; declare it in the connections file (--connections)", arn)
			}
			conn, connKey = &c, key
		}
	}

	arrayFormat := "INDICES"
	urlEncoded := false
	if t, ok := p.Get("Transform"); ok {
		to, _ := t.(*value.Object)
		if enc, _ := getString(to, "RequestBodyEncoding"); enc == "URL_ENCODED" {
			urlEncoded = true
		}
		if opts, ok := to.Get("RequestEncodingOptions"); ok {
			oo, _ := opts.(*value.Object)
			if f, _ := getString(oo, "ArrayFormat"); f != "" {
				switch f {
				case "INDICES", "REPEAT", "COMMAS", "BRACKETS":
					arrayFormat = f
				default:
					return nil, httpFailure("States.Runtime", "unknown ArrayFormat %q (INDICES, REPEAT, COMMAS or BRACKETS)", f)
				}
			}
		}
	}

	// Query: the URL's own, then the connection's, then the task's.
	var query []string
	if u.RawQuery != "" {
		query = append(query, u.RawQuery)
	}
	if conn != nil {
		for k, v := range conn.QueryParameters {
			if qp, _ := p.Get("QueryParameters"); !hasKey(qp, k) {
				query = append(query, url.QueryEscape(k)+"="+url.QueryEscape(v))
			}
		}
	}
	if qp, ok := p.Get("QueryParameters"); ok {
		if s := formEncode(qp, arrayFormat); s != "" {
			query = append(query, s)
		}
	}
	u.RawQuery = strings.Join(query, "&")

	var body io.Reader
	contentType := ""
	if rb, ok := p.Get("RequestBody"); ok {
		if conn != nil && len(conn.BodyParameters) > 0 {
			if ro, isObj := rb.(*value.Object); isObj {
				merged := ro.Clone()
				for k, v := range conn.BodyParameters {
					if !merged.Has(k) {
						merged.Set(k, v)
					}
				}
				rb = merged
			}
		}
		switch {
		case urlEncoded:
			body = strings.NewReader(formEncode(rb, arrayFormat))
			contentType = "application/x-www-form-urlencoded"
		default:
			if s, isText := rb.(string); isText {
				body = strings.NewReader(s)
				contentType = "text/plain; charset=UTF-8"
			} else {
				body = strings.NewReader(value.String(rb))
				contentType = "application/json; charset=UTF-8"
			}
		}
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), body)
	if err != nil {
		return nil, httpFailure("States.Runtime", "http:invoke: %v", err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("User-Agent", "Amazon|StepFunctions|HttpInvoke|cairn")
	if conn != nil {
		for k, v := range conn.Headers {
			req.Header.Set(k, v)
		}
	}
	if hv, ok := p.Get("Headers"); ok {
		ho, _ := hv.(*value.Object)
		if ho == nil {
			return nil, httpFailure("States.Runtime", "Headers must be an object")
		}
		for k, v := range ho.All() {
			s, isText := v.(string)
			if !isText {
				s = value.String(v)
			}
			req.Header.Set(k, s)
		}
	}
	if conn != nil {
		if err := h.authorize(ctx, req, conn, connKey); err != nil {
			return nil, err
		}
	}

	resp, err := h.client.Do(req)
	if err != nil {
		var refused *refusedError
		if errors.As(err, &refused) {
			return nil, httpFailure("States.Runtime", "%s", refused.Error())
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, httpFailure("States.Http.Socket", "%s %s: %v", method, redactURL(u), unwrapURLError(err))
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, h.cfg.MaxResponse))
	if err != nil {
		return nil, httpFailure("States.Http.Socket", "%s %s: reading the response: %v", method, redactURL(u), err)
	}
	result := responseValue(resp, raw)
	if resp.StatusCode/100 != 2 {
		return nil, &engine.TaskError{Name: "States.Http.StatusCode." + strconv.Itoa(resp.StatusCode), Cause: value.String(result)}
	}
	return result, nil
}

// connection finds a declared connection by ARN, then by its name.
func (h *HTTP) connection(arn string) (Connection, string, bool) {
	if c, ok := h.cfg.Connections[arn]; ok {
		return c, arn, true
	}
	name := connectionName(arn)
	c, ok := h.cfg.Connections[name]
	return c, name, ok
}

// authorize adds the connection's credentials to the request.
func (h *HTTP) authorize(ctx context.Context, req *http.Request, c *Connection, key string) error {
	switch {
	case c.APIKey != nil:
		req.Header.Set(c.APIKey.Name, string(c.APIKey.Value))
	case c.Basic != nil:
		req.SetBasicAuth(c.Basic.Username, string(c.Basic.Password))
	case c.OAuth != nil:
		tok, err := h.tokens.token(ctx, h.client, key, c.OAuth, h.now())
		if err != nil {
			// The cause names the connection, never its secrets.
			return httpFailure("Events.ConnectionResource.AuthInvalid", "connection %s: %v", key, unwrapURLError(err))
		}
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	return nil
}

// responseValue is the HTTP Task's result: {Headers, ResponseBody,
// StatusCode, StatusText}, the body parsed when it is JSON.
func responseValue(resp *http.Response, raw []byte) any {
	headers := value.NewObject(len(resp.Header))
	for _, k := range sortedKeys(resp.Header) {
		vs := resp.Header[k]
		list := make([]any, len(vs))
		for i, v := range vs {
			list[i] = v
		}
		headers.Set(strings.ToLower(k), list)
	}
	var body any = string(raw)
	mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if mt == "application/json" || strings.HasSuffix(mt, "+json") {
		if v, err := value.Parse(raw); err == nil {
			body = v
		}
	}
	text := strings.TrimSpace(strings.TrimPrefix(resp.Status, strconv.Itoa(resp.StatusCode)))
	if text == "" {
		text = http.StatusText(resp.StatusCode)
	}
	o := value.NewObject(4)
	o.Set("Headers", headers)
	o.Set("ResponseBody", body)
	o.Set("StatusCode", value.Int(int64(resp.StatusCode)))
	o.Set("StatusText", text)
	return o
}

// formEncode writes a value as application/x-www-form-urlencoded text,
// keeping the object's key order; arrays follow format.
func formEncode(v any, format string) string {
	var pairs []string
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		switch v := v.(type) {
		case *value.Object:
			for k, e := range v.All() {
				name := k
				if prefix != "" {
					name = prefix + "[" + k + "]"
				}
				walk(name, e)
			}
		case []any:
			if format == "COMMAS" {
				parts := make([]string, len(v))
				for i, e := range v {
					parts[i] = scalarText(e)
				}
				pairs = append(pairs, url.QueryEscape(prefix)+"="+url.QueryEscape(strings.Join(parts, ",")))
				return
			}
			for i, e := range v {
				switch format {
				case "REPEAT":
					walk(prefix, e)
				case "BRACKETS":
					walk(prefix+"[]", e)
				default:
					walk(prefix+"["+strconv.Itoa(i)+"]", e)
				}
			}
		default:
			if prefix == "" {
				if s, ok := v.(string); ok {
					pairs = append(pairs, s) // already encoded text
				}
				return
			}
			pairs = append(pairs, url.QueryEscape(prefix)+"="+url.QueryEscape(scalarText(v)))
		}
	}
	walk("", v)
	return strings.Join(pairs, "&")
}

func scalarText(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case nil:
		return ""
	case value.Number:
		return string(v)
	case bool:
		return strconv.FormatBool(v)
	}
	return value.String(v)
}

func getString(o *value.Object, key string) (string, bool) {
	if o == nil {
		return "", false
	}
	v, ok := o.Get(key)
	s, isText := v.(string)
	return s, ok && isText
}

func hasKey(v any, key string) bool {
	o, _ := v.(*value.Object)
	return o != nil && o.Has(key)
}

// redactURL drops the query (which may carry keys) from a URL for causes.
func redactURL(u *url.URL) string {
	c := *u
	c.RawQuery, c.User = "", nil
	return c.String()
}

func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
